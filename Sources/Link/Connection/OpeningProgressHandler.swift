import NIOCore

/// How far an opening got, as a connection check follows it.
enum OpeningProgress: Sendable, Equatable {
    /// TCP is connected, to this address.
    case connected(String)
    /// The TLS handshake is done and the server verified.
    case tlsEstablished(TLSSessionFacts)
}

/// Watches an opening for a connection check: reports the TCP connection and the end of the
/// TLS handshake, passes everything on unchanged. Sits right above `TLSClientHandler`.
final class OpeningProgressHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let report: @Sendable (OpeningProgress) -> Void
    private var reportedConnection = false

    init(report: @escaping @Sendable (OpeningProgress) -> Void) {
        self.report = report
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { connected(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        connected(context)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let facts = event as? TLSSessionFacts { report(.tlsEstablished(facts)) }
        context.fireUserInboundEventTriggered(event)
    }

    private func connected(_ context: ChannelHandlerContext) {
        guard !reportedConnection else { return }
        reportedConnection = true
        let address = context.channel.remoteAddress.map(Self.describe) ?? "the server"
        report(.connected(address))
    }

    /// `127.0.0.1:9000`, `[::1]:9000`.
    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}

@available(*, unavailable)
extension OpeningProgressHandler: Sendable {}
