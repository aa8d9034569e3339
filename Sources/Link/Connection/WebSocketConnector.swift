import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import OCPP16

/// An open OCPP-J connection: the channel, to write frames and close it, and what it
/// receives. The stream ends when the channel closes, with the reason as its error.
struct OpenConnection: Sendable {
    let channel: any Channel
    let frames: AsyncThrowingStream<Frame, any Error>
}

/// Opens one connection: TCP, TLS when the URL says wss, the HTTP upgrade with subprotocol
/// `ocpp1.6` and, when the profile wants it, Basic authentication.
///
/// The pipeline it leaves behind, from the socket up:
/// `TLSClientHandler` (wss only) → NIO's WebSocket frame encoder, decoder and protocol error
/// handler → `WebSocketKeepaliveHandler` (ping interval > 0) → `WebSocketMessageHandler` →
/// `OCPPFrameCodec` → `FrameInbox`.
struct WebSocketConnector: Sendable {
    static let subprotocol = "ocpp1.6"

    let endpoint: OperatorEndpoint
    let configuration: LinkConfiguration
    let tls: TLSContext?
    let group: any EventLoopGroup
    let logger: Logger
    /// Told how far the opening gets (a connection check); nil for a link.
    var progress: (@Sendable (OpeningProgress) -> Void)? = nil
    /// Told of each frame from the server that was refused as malformed.
    var malformedFrame: (@Sendable (String) -> Void)? = nil

    /// Checks the configuration and loads its TLS context: how a link and a connection check
    /// prepare, so that both open the same way. The logger gets the endpoint as metadata.
    init(configuration: LinkConfiguration, group: any EventLoopGroup, logger: Logger) throws(LinkError) {
        let endpoint = try configuration.endpoint()
        var logger = logger
        logger[metadataKey: "link"] = "\(endpoint.hostHeader)\(endpoint.path)"
        let tls = endpoint.isSecure ? try Self.tlsContext(configuration, logger: logger) : nil
        self.init(endpoint: endpoint, configuration: configuration, tls: tls, group: group, logger: logger)
    }

    /// The TLS context of `configuration`: its trust (the CA file or the system store, and
    /// the installed roots as they are now) and its client identity.
    static func tlsContext(_ configuration: LinkConfiguration, logger: Logger) throws(LinkError) -> TLSContext {
        let context = try TLSContext(
            trustedCertificatesFile: configuration.trustedCertificatesFile,
            additionalTrustedCertificates: configuration.installedRoots?() ?? [],
            clientCertificateFile: configuration.securityProfile == .tlsWithClientCertificate
                ? configuration.clientCertificateFile : nil,
            clientKeyFile: configuration.clientKeyFile)
        for (file, reason) in context.skippedCertificates {
            logger.warning("an installed root certificate cannot be loaded: not trusted", metadata: ["file": "\(file)", "reason": "\(reason)"])
        }
        return context
    }

    /// The context for the next connection: made anew when installed roots may have
    /// changed since the last.
    private func currentTLS() throws(LinkError) -> TLSContext? {
        guard let tls else { return nil }
        guard configuration.installedRoots != nil else { return tls }
        return try Self.tlsContext(configuration, logger: logger)
    }

    init(
        endpoint: OperatorEndpoint, configuration: LinkConfiguration, tls: TLSContext?, group: any EventLoopGroup,
        logger: Logger
    ) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.tls = tls
        self.group = group
        self.logger = logger
    }

    private enum Outcome: Sendable {
        case upgraded(OpenConnection)
        case refused(EventLoopFuture<HTTPResponseStatus>)
    }

    func connect() async throws(LinkError) -> OpenConnection {
        let tls = try currentTLS()
        let upgrade: EventLoopFuture<Outcome>
        do {
            upgrade = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(configuration.openingTimeout))
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try self.configure(channel, tls: tls) }
                }
        } catch {
            throw .unreachable("\(endpoint.hostHeader): \(Self.describe(connectionError: error))")
        }
        let outcome: Outcome
        do {
            outcome = try await upgrade.get()
        } catch {
            throw Self.linkError(upgradeError: error)
        }
        switch outcome {
        case .upgraded(let connection):
            return connection
        case .refused(let response):
            do {
                let status = try await response.get()
                throw LinkError.upgradeRefused(status: Int(status.code), reason: status.reasonPhrase)
            } catch {
                throw Self.linkError(upgradeError: error)
            }
        }
    }

    private func configure(_ channel: any Channel, tls: TLSContext?) throws -> EventLoopFuture<Outcome> {
        let pipeline = channel.pipeline.syncOperations
        if let tls {
            try pipeline.addHandler(
                TLSClientHandler(context: tls, serverName: endpoint.host, serverNameIsAddress: endpoint.hostIsAddress))
        }
        if let progress { try pipeline.addHandler(OpeningProgressHandler(report: progress)) }
        let upgrader = NIOTypedWebSocketClientUpgrader<Outcome>(
            maxFrameSize: configuration.maximumMessageSize,
            // The frame decoder's errors are answered by WebSocketMessageHandler, which
            // waits for the server's close: closing at once with bytes unread resets the
            // connection, and the server never reads the close code.
            enableAutomaticErrorHandling: false,
            upgradePipelineHandler: { channel, response in
                channel.eventLoop.makeCompletedFuture { try self.finishUpgrade(channel, response: response) }
            })
        var upgradeConfiguration = NIOUpgradableHTTPClientPipelineConfiguration(
            upgradeConfiguration: NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: requestHead(), upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let refusal = channel.eventLoop.makePromise(of: HTTPResponseStatus.self)
                        try channel.pipeline.syncOperations.addHandler(UpgradeRefusalHandler(refusal: refusal))
                        return .refused(refusal.futureResult)
                    }
                }))
        // A server may send its first CALL right behind the 101; those bytes must not be lost.
        upgradeConfiguration.leftOverBytesStrategy = .forwardBytes
        let outcome = try pipeline.configureUpgradableHTTPClientPipeline(configuration: upgradeConfiguration)

        let timeout = configuration.openingTimeout
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            channel.pipeline.fireErrorCaught(LinkError.upgradeFailed("no WebSocket within \(timeout)"))
            channel.close(promise: nil)
        }
        outcome.whenComplete { _ in deadline.cancel() }
        channel.closeFuture.whenComplete { _ in deadline.cancel() }
        return outcome
    }

    private func requestHead() -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "Sec-WebSocket-Protocol", value: Self.subprotocol)
        if configuration.securityProfile.usesBasicAuthentication, let key = configuration.basicPassword {
            let authorization = BasicAuthorization(user: configuration.chargePointId, password: key)
            headers.add(name: "Authorization", value: authorization.headerValue)
        }
        // Without it the encoder would announce a chunked body for the empty request.
        headers.add(name: "Content-Length", value: "0")
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path, headers: headers)
    }

    private func finishUpgrade(_ channel: any Channel, response: HTTPResponseHead) throws -> Outcome {
        let chosen = response.headers["Sec-WebSocket-Protocol"].first
        guard chosen?.lowercased() == Self.subprotocol else {
            // The error is the attempt's reason: the link's outage log reports it.
            logger.debug(
                "server did not accept subprotocol ocpp1.6, refusing the connection",
                metadata: ["chosen": "\(chosen ?? "none")"])
            throw LinkError.subprotocolRefused(offered: chosen)
        }
        let pipeline = channel.pipeline.syncOperations
        if configuration.pingInterval > .zero {
            try pipeline.addHandler(WebSocketKeepaliveHandler(interval: TimeAmount(configuration.pingInterval), logger: logger))
        }
        try pipeline.addHandler(
            WebSocketMessageHandler(
                maximumMessageSize: configuration.maximumMessageSize,
                closingTimeout: TimeAmount(configuration.closingTimeout)))
        try pipeline.addHandler(OCPPFrameCodec(logger: logger, malformed: malformedFrame))
        let (frames, continuation) = AsyncThrowingStream.makeStream(of: Frame.self, throwing: (any Error).self)
        try pipeline.addHandler(FrameInbox(continuation: continuation))
        return .upgraded(OpenConnection(channel: channel, frames: frames))
    }

    static func linkError(upgradeError error: any Error) -> LinkError {
        switch error {
        case let error as LinkError:
            return error
        case let error as NIOHTTPClientUpgradeError where error == .upgraderDeniedUpgrade:
            return .upgradeFailed("the server's Sec-WebSocket-Accept does not match our key")
        case let error as NIOHTTPClientUpgradeError where error == .responseProtocolNotFound:
            return .upgradeFailed("the server answered 101 without switching to websocket")
        case let error as HTTPParserError:
            return .upgradeFailed("the server's answer is not HTTP (\(error))")
        case is ChannelError:
            return .upgradeFailed("the server closed the connection during the opening handshake")
        default:
            return .upgradeFailed("\(error)")
        }
    }

    static func describe(connectionError error: any Error) -> String {
        var error = error
        if let connection = error as? NIOConnectionError {
            if let dns = connection.dnsAError ?? connection.dnsAAAAError { return "cannot resolve the host (\(dns))" }
            if let first = connection.connectionErrors.first { error = first.error }
        }
        // NIO's own text for socket errors names its internals; the errno's text is what a
        // technician recognizes ("Connection refused", "No route to host").
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode))
        }
        if case ChannelError.connectTimeout(let timeout) = error {
            return "no answer within \(timeout)"
        }
        return "\(error)"
    }
}
