import NIOCore
import NIOWebSocket

/// Turns WebSocket frames into whole text messages and text messages into frames.
///
/// Inbound it reassembles fragments, answers pings, enforces the maximum message size
/// (close 1009), refuses binary data (close 1003), since OCPP-J is text only, and text that
/// is not UTF-8 (close 1007, RFC 6455 section 8.1). Outbound it
/// masks every frame, as RFC 6455 requires of clients, and turns a channel close into the
/// close handshake: our close frame, then the server's, then TCP.
final class WebSocketMessageHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private enum Closing {
        case open
        /// Our close frame is out; the channel closes when the server answers or time runs out.
        case closeSent(EventLoopPromise<Void>?, Scheduled<Void>?)
        case closed
    }

    private let maximumMessageSize: Int
    private let closingTimeout: TimeAmount
    private var fragments: ByteBuffer?
    private var closing = Closing.open

    init(maximumMessageSize: Int, closingTimeout: TimeAmount) {
        self.maximumMessageSize = maximumMessageSize
        self.closingTimeout = closingTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard case .open = closing else {
            // Closing: only the server's close frame still matters.
            if frame.opcode == .connectionClose { receiveClose(frame, context: context) }
            return
        }
        // No extension was negotiated, and servers never mask (RFC 6455 section 5.1, 5.2).
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else {
            return fail(.protocolError, .protocolViolation("reserved bits set in a frame"), context: context)
        }
        guard frame.maskKey == nil else {
            return fail(.protocolError, .protocolViolation("masked frame from the server"), context: context)
        }
        switch frame.opcode {
        case .text:
            guard fragments == nil else {
                return fail(.protocolError, .protocolViolation("new message before the last one's final fragment"), context: context)
            }
            receive(frame, into: frame.unmaskedData, context: context)
        case .continuation:
            guard var message = fragments else {
                return fail(.protocolError, .protocolViolation("continuation frame without a message to continue"), context: context)
            }
            var data = frame.unmaskedData
            fragments = nil
            message.writeBuffer(&data)
            receive(frame, into: message, context: context)
        case .binary:
            fail(.unacceptableData, .protocolViolation("binary frame received; OCPP-J uses text frames only"), context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            receiveClose(frame, context: context)
        case .pong:
            // Unsolicited, or the keepalive is off: nothing to do.
            break
        default:
            fail(.protocolError, .protocolViolation("unknown opcode \(frame.opcode)"), context: context)
        }
    }

    private func receive(_ frame: WebSocketFrame, into message: ByteBuffer, context: ChannelHandlerContext) {
        guard message.readableBytes <= maximumMessageSize else {
            fragments = nil
            return fail(.messageTooLarge, .messageTooLarge(limit: maximumMessageSize), context: context)
        }
        if frame.fin {
            guard UTF8Validation.isValid(message) else {
                return fail(.dataInconsistentWithMessage, .protocolViolation("text message is not valid UTF-8"), context: context)
            }
            context.fireChannelRead(wrapInboundOut(message))
        } else {
            fragments = message
        }
    }

    private func receiveClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var data = frame.unmaskedData
        let code = data.readWebSocketErrorCode()
        let reason = data.readString(length: data.readableBytes) ?? ""
        switch closing {
        case .open:
            // The server began the handshake: echo its code, then close.
            closing = .closed
            context.fireErrorCaught(LinkError.closedByServer(code: code.map(Self.number), reason: reason))
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let code { echo.write(webSocketErrorCode: code) }
            let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
            let loopBound = context.loopBound
            context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in
                loopBound.value.close(promise: nil)
            }
        case .closeSent(let promise, let timer):
            closing = .closed
            timer?.cancel()
            context.close(promise: promise)
        case .closed:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .open = closing else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: unwrapOutboundIn(data))
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, case .closeSent(let pending, let timer) = closing, context.channel.isActive {
            // Our close frame is out: the connection ends with the server's answer or the timer.
            if let promise {
                if let pending { pending.futureResult.cascade(to: promise) } else { closing = .closeSent(promise, timer) }
            }
            return
        }
        guard mode == .all, case .open = closing, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: .normalClosure)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        let loopBound = context.loopBound
        let timer = context.eventLoop.scheduleTask(in: closingTimeout) {
            // The server never answered our close frame.
            loopBound.value.close(promise: nil)
        }
        closing = .closeSent(promise, timer)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// The frame decoder's errors: a frame beyond the limit is 1009, anything
    /// else a protocol error (1002), both with a proper closing handshake.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? NIOWebSocketError else {
            context.fireErrorCaught(error)
            return
        }
        switch error {
        case .invalidFrameLength:
            fail(.messageTooLarge, .messageTooLarge(limit: maximumMessageSize), context: context)
        default:
            fail(.protocolError, .protocolViolation("malformed WebSocket frame: \(error)"), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .closeSent(let promise, let timer) = closing {
            timer?.cancel()
            promise?.succeed(())
        }
        closing = .closed
        context.fireChannelInactive()
    }

    /// Sends a close frame with `code` and reports `error` up the pipeline. The
    /// connection closes when the server answers with its own close frame (or
    /// time runs out): closing at once could reset the connection while the
    /// server still sends, and it would never read our code.
    private func fail(_ code: WebSocketErrorCode, _ error: LinkError, context: ChannelHandlerContext) {
        guard case .open = closing else { return }
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        let loopBound = context.loopBound
        let timer = context.eventLoop.scheduleTask(in: closingTimeout) {
            loopBound.value.close(promise: nil)
        }
        // The close frame goes out before anyone hears of the error, so that a
        // close asked for in answer to it waits for the handshake too.
        closing = .closeSent(nil, timer)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        context.fireErrorCaught(error)
    }

    static func number(_ code: WebSocketErrorCode) -> Int {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        return Int(buffer.readInteger(as: UInt16.self) ?? 0)
    }
}

@available(*, unavailable)
extension WebSocketMessageHandler: Sendable {}
