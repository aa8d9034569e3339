import Logging
import NIOCore
import NIOWebSocket

/// Pings the server every `interval` (OCPP's WebSocketPingInterval) and declares the link
/// dead when a ping is still unanswered at the next tick.
///
/// A charger behind a mobile router can lose its connection without a FIN ever arriving;
/// without this the link would look open until the next CALL timed out.
final class WebSocketKeepaliveHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let interval: TimeAmount
    private let logger: Logger
    private var awaitingPong = false
    private var ticker: RepeatedTask?

    init(interval: TimeAmount, logger: Logger) {
        self.interval = interval
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ticker?.cancel()
        ticker = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        ticker?.cancel()
        ticker = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.opcode == .pong {
            if awaitingPong { logger.trace("pong received") }
            awaitingPong = false
        } else {
            context.fireChannelRead(data)
        }
    }

    private func start(context: ChannelHandlerContext) {
        guard ticker == nil, interval > .zero else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        ticker = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (handler, context) = loopBound.value
            handler.tick(context: context)
        }
    }

    private func tick(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if awaitingPong {
            ticker?.cancel()
            ticker = nil
            context.fireErrorCaught(LinkError.pingTimedOut)
            context.close(promise: nil)
            return
        }
        awaitingPong = true
        let ping = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: context.channel.allocator.buffer(capacity: 0))
        context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
        logger.trace("ping sent")
    }
}

@available(*, unavailable)
extension WebSocketKeepaliveHandler: Sendable {}
