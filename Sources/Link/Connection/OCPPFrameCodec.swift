import Logging
import NIOCore
import OCPP16

/// Reads OCPP-J frames out of text messages and writes frames as text.
///
/// A message that is not a usable frame never reaches the link: if OCPP-J says it deserves
/// a CALLERROR (`FrameError.reply`) the error goes straight back to the server, otherwise it
/// is logged and dropped. A CALLRESULT is never answered with an error, so a broken answer
/// cannot start a loop of errors between the two sides.
final class OCPPFrameCodec: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Frame
    typealias OutboundIn = Frame
    typealias OutboundOut = ByteBuffer

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        let bytes = Array(message.readableBytesView)
        do {
            let frame = try Frame.parse(bytes)
            context.fireChannelRead(wrapInboundOut(frame))
        } catch {
            let preview = String(decoding: bytes.prefix(120), as: UTF8.self)
            if let reply = error.reply {
                logger.warning(
                    "malformed frame answered with CALLERROR",
                    metadata: ["error": "\(error)", "frame": "\(preview)"])
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: Frame.callError(reply).serialized())), promise: nil)
            } else {
                logger.warning("malformed frame dropped", metadata: ["error": "\(error)", "frame": "\(preview)"])
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(ByteBuffer(bytes: frame.serialized())), promise: promise)
    }
}

@available(*, unavailable)
extension OCPPFrameCodec: Sendable {}
