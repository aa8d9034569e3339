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
    private let malformed: (@Sendable (String) -> Void)?

    init(logger: Logger, malformed: (@Sendable (String) -> Void)? = nil) {
        self.logger = logger
        self.malformed = malformed
    }

    /// The longest frame text a log line holds; journald splits lines longer than 48 KiB.
    static let loggedFrameLimit = 16_384

    /// A frame as the log shows it: secrets masked, cut at `loggedFrameLimit` characters.
    static func loggable(_ bytes: [UInt8]) -> String {
        let masked = Secrets.maskingFrame(String(decoding: bytes, as: UTF8.self))
        guard masked.utf8.count > loggedFrameLimit else { return masked }
        return String(masked.prefix(loggedFrameLimit)) + " ... (\(bytes.count) bytes)"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        let bytes = Array(message.readableBytesView)
        logger.debug("received \(Self.loggable(bytes))")
        do {
            let frame = try Frame.parse(bytes)
            context.fireChannelRead(wrapInboundOut(frame))
        } catch {
            let preview = Secrets.maskingFrame(String(decoding: bytes.prefix(120), as: UTF8.self))
            malformed?("\(error)")
            if let reply = error.reply {
                logger.warning(
                    "malformed frame answered with CALLERROR",
                    metadata: ["error": "\(error)", "frame": "\(preview)"])
                let answer = Frame.callError(reply).serialized()
                logger.debug("sent \(Self.loggable(answer))")
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
            } else {
                logger.warning("malformed frame dropped", metadata: ["error": "\(error)", "frame": "\(preview)"])
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data).serialized()
        logger.debug("sent \(Self.loggable(bytes))")
        context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: promise)
    }
}

@available(*, unavailable)
extension OCPPFrameCodec: Sendable {}
