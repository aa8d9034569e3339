import Link
import Logging
import OCPP16

/// What the operators layer needs of one connection to a Central System.
/// `Link` is the real one; tests put a link of their own behind it, so that
/// fan-out, ids, late joiners and list pushes are tested without sockets.
public protocol OperatorLink: Sendable {
    /// Sends a CALL and waits for its confirmation.
    func call<Request: OCPPRequest>(_ request: Request) async throws(LinkError) -> Request.Response
    /// Messages were added to the operator's queue.
    func outboxChanged() async
    /// Connects and serves until `shutdown()`.
    func run() async
    func shutdown() async
    func states() async -> AsyncStream<LinkState>
    var state: LinkState { get async }
    /// The DER of the root the latest TLS connection's server was verified with.
    var trustAnchor: [UInt8]? { get async }
}

extension OperatorLink {
    public var trustAnchor: [UInt8]? { get async { nil } }
}

/// CALLs made while a connection opens: they go before every other.
public protocol OpeningCalls: Sendable {
    func call<Request: OCPPRequest>(_ request: Request) async throws(LinkError) -> Request.Response
}

/// What a link tells the operators layer.
public struct LinkHandlers: Sendable {
    /// Runs first on every connection.
    public var opened: @Sendable (any OpeningCalls) async throws -> Void
    /// Answers the Central System's CALLs.
    public var answer: @Sendable (Call) async -> Frame
    /// A queued message was answered or given up.
    public var delivered: @Sendable (OutboxMessage, OutboxOutcome) async -> Void
    /// A connection failed or a malformed frame came: maybe a security event.
    public var incident: @Sendable (LinkIncident) async -> Void = { _ in }
}

/// Makes the link of one operator.
public typealias LinkFactory = @Sendable (
    _ configuration: LinkConfiguration, _ outbox: any DurableOutbox, _ logger: Logger, _ handlers: LinkHandlers
) throws -> any OperatorLink

extension Link: OperatorLink {}
extension LinkOpening: OpeningCalls {}

extension Operators {
    /// Real connections over WebSocket (and TLS).
    public static let networkLinks: LinkFactory = { configuration, outbox, logger, handlers in
        try Link(
            configuration: configuration, outbox: outbox, logger: logger,
            onOpen: { opening in try await handlers.opened(opening) },
            onCall: handlers.answer,
            onOutboxOutcome: handlers.delivered,
            onIncident: handlers.incident)
    }
}
