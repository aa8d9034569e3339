import NIOCore
import NIOWebSocket
import OCPP16

/// The end of the pipeline: hands frames to the link's async world and, when the channel
/// closes, the reason it closed.
///
/// Handlers before it report why they close the connection with `fireErrorCaught`; the
/// first such error is the one the stream ends with.
final class FrameInbox: ChannelInboundHandler {
    typealias InboundIn = Frame

    private let continuation: AsyncThrowingStream<Frame, any Error>.Continuation
    private var firstError: (any Error)?

    init(continuation: AsyncThrowingStream<Frame, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if firstError == nil { firstError = error }
        // Handlers that reported the error also close; for anything else, closing is the safe answer.
        if !(error is LinkError) && !(error is NIOWebSocketError) {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finishSoon(context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finishSoon(context: context)
    }

    /// NIO's WebSocket error handler closes the channel before it passes the error on, so the
    /// reason can arrive just after the channel went inactive, in the same call stack. Ending
    /// the stream one event loop tick later lets that reason be the one reported.
    private func finishSoon(context: ChannelHandlerContext) {
        let inbox = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            inbox.value.continuation.finish(throwing: inbox.value.firstError)
        }
    }
}

@available(*, unavailable)
extension FrameInbox: Sendable {}
