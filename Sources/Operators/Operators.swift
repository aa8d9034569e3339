import ChargePoint
import Configuration
import Link
import Logging
import OCPP16
import Store
import Synchronization

/// Several Central Systems at once (operators.md): one link per operator,
/// every charger event fanned out, each operator's own transaction ids and
/// queue, and the single-authority rule enforced on every incoming call.
public actor Operators: ChargePointUplink {
    public struct Settings: Sendable {
        /// The charge point identity used where an operator names none.
        public var chargePointId: String
        /// How long to wait for the authority's Authorize.conf.
        public var callTimeout: Duration
        public var reconnectBackoff: ReconnectBackoff
        /// Makes each operator's connection: real ones unless a test says otherwise.
        public var makeLink: LinkFactory
        /// The agent's state directory: each operator's certificates live under `certs/operators/<name>/`.
        public var stateDirectory: String?

        public init(
            chargePointId: String, callTimeout: Duration = .seconds(15), reconnectBackoff: ReconnectBackoff = ReconnectBackoff(),
            stateDirectory: String? = nil, makeLink: @escaping LinkFactory = Operators.networkLinks
        ) {
            self.chargePointId = chargePointId
            self.callTimeout = callTimeout
            self.reconnectBackoff = reconnectBackoff
            self.stateDirectory = stateDirectory
            self.makeLink = makeLink
        }
    }

    /// Where the list in force came from.
    public enum ListSource: Sendable, Equatable, CustomStringConvertible {
        case configuration
        case pushed(version: Int, by: String)

        public var description: String {
            switch self {
            case .configuration: "the local configuration file (no list was pushed)"
            case .pushed(let version, let by): "pushed by \(by) as version \(version); it takes precedence over the configuration file"
            }
        }
    }

    let chargePoint: ChargePoint
    let ledger: TransactionLedger
    var queue: MessageQueue { ledger.queue }
    /// Every security event, kept and queued for its recipients in one commit.
    public nonisolated let securityLog: SecurityLog
    var securityEvents = SecurityEventState()
    let store: KeyValueStore?
    let settings: Settings
    let clock: @Sendable () -> OCPPDateTime
    let logger: Logger
    var sessions: [String: OperatorSession] = [:]
    var runs: [String: Task<Void, Never>] = [:]
    /// Client certificate renewals under way, and when each operator's certificate was last
    /// looked at (Security/Operators+Renewal.swift).
    var renewals: [String: PendingRenewal] = [:]
    var renewalCount = 0
    var lastCertificateCheck: [String: Int64] = [:]
    public internal(set) var entries: [OperatorEntry] = [] {
        didSet {
            let recipients = entries.filter(\.enabled).map(\.name)
            let authority = Self.authority(of: entries)?.name
            roster.withLock { $0 = Roster(recipients: recipients, authority: authority) }
        }
    }
    /// Who gets transaction messages and who is the authority, readable
    /// without suspending (the charge point reads it inside its commits).
    struct Roster {
        var recipients: [String] = []
        var authority: String?
    }
    let roster = Mutex(Roster())
    public internal(set) var source: ListSource = .configuration

    public init(
        chargePoint: ChargePoint, queue: MessageQueue, store: KeyValueStore?, settings: Settings,
        clock: @escaping @Sendable () -> OCPPDateTime, logger: Logger = Logger(label: "chargeplex.operators")
    ) {
        self.chargePoint = chargePoint
        self.ledger = TransactionLedger(queue: queue)
        self.securityLog = SecurityLog(queue: queue)
        self.store = store
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    // MARK: The authority

    /// The billing operator if one is set, else the home operator, else nobody.
    public static func authority(of entries: [OperatorEntry]) -> OperatorEntry? {
        let enabled = entries.filter(\.enabled)
        return enabled.first { $0.role == .billing } ?? enabled.first { $0.role == .home }
    }

    public nonisolated var authorityName: String? { roster.withLock { $0.authority } }

    public nonisolated var transactionRecipients: [String] { roster.withLock { $0.recipients } }

    public var authorityOnline: Bool {
        get async {
            guard let name = authorityName, let session = sessions[name] else { return false }
            return await session.state.registered
        }
    }

    /// Why the authority is who it is, for `chargeplex operators`.
    public var authorityReason: String {
        let enabled = entries.filter(\.enabled)
        if let billing = enabled.first(where: { $0.role == .billing }) {
            return "\(billing.name) is the billing operator"
        }
        if let home = enabled.first(where: { $0.role == .home }) {
            return "no billing operator is set, so the home operator \(home.name) decides"
        }
        return "no billing or home operator: only local authorization (the configured list or free vend)"
    }

    public func authorize(_ idTag: IdToken) async -> IdTagInfo? {
        guard let name = authorityName, let session = sessions[name], await session.state.registered else { return nil }
        do {
            return try await session.link.call(AuthorizeRequest(idTag: idTag)).idTagInfo
        } catch {
            logger.notice("the authority did not answer Authorize", metadata: ["operator": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    // MARK: Fan-out

    /// Transaction messages are in every recipient's queue already (the
    /// charge point wrote them with the event): their links are woken. A
    /// status goes after whatever each operator has queued before it.
    public func emit(_ message: OutgoingMessage) async {
        switch message {
        case .status(let request, let target):
            post(request, to: target, afterQueued: true)
        case .firmwareStatus(let request, let target):
            post(request, to: target)
        case .signedFirmwareStatus(let request, let target):
            post(request, to: target)
        case .diagnosticsStatus(let request, let target):
            post(request, to: target)
        case .logStatus(let request, let target):
            post(request, to: target)
        case .securityEvent(let request, let target):
            recordSecurityEvent(request, to: target)
        case .externalLimit(let source, let watts, let target):
            tellExternalLimit(source: source, watts: watts, to: target)
        case .startTransaction, .stopTransaction:
            wakeLinks(of: nil)
        case .meterValues(let ref, let request, let target):
            if ref != nil {
                wakeLinks(of: target)
            } else {
                post(request, to: target)
            }
        }
    }

    public func transactionMessagesWritten(for operators: Set<String>) {
        for name in operators { wakeLinks(of: name) }
    }

    func wakeLinks(of target: String?) {
        for session in sessions.values where target == nil || session.name == target {
            let link = session.link
            Task { await link.outboxChanged() }
        }
    }

    /// - Parameter afterQueued: sent only once the operator's queue holds
    ///   nothing that was queued before now.
    func post(
        _ request: any OCPPRequest & Sendable, to target: String?, afterQueued: Bool = false,
        answered: (@Sendable (_ operatorName: String, Result<any OCPPMessage, LinkError>) -> Void)? = nil
    ) {
        var sequence: Int64?
        if afterQueued {
            do {
                sequence = try ledger.latestSequence()
            } catch {
                logger.error("cannot read the queue", metadata: ["error": "\(error)"])
            }
        }
        for session in sessions.values where target == nil || session.name == target {
            var told: (@Sendable (Result<any OCPPMessage, LinkError>) -> Void)?
            if let answered {
                let name = session.name
                told = { result in answered(name, result) }
            }
            session.post(request, after: sequence, answered: told)
        }
    }
}
