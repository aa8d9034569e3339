import ChargePoint
import Configuration
import Link
import Logging
import OCPP16
import Store

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

        public init(chargePointId: String, callTimeout: Duration = .seconds(15), reconnectBackoff: ReconnectBackoff = ReconnectBackoff()) {
            self.chargePointId = chargePointId
            self.callTimeout = callTimeout
            self.reconnectBackoff = reconnectBackoff
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
    let queue: MessageQueue
    let store: KeyValueStore?
    let ids: TransactionIds
    let settings: Settings
    let clock: @Sendable () -> OCPPDateTime
    let logger: Logger
    var sessions: [String: OperatorSession] = [:]
    var runs: [String: Task<Void, Never>] = [:]
    public internal(set) var entries: [OperatorEntry] = []
    public internal(set) var source: ListSource = .configuration

    public init(
        chargePoint: ChargePoint, queue: MessageQueue, store: KeyValueStore?, settings: Settings,
        clock: @escaping @Sendable () -> OCPPDateTime, logger: Logger = Logger(label: "chargeplex.operators")
    ) {
        self.chargePoint = chargePoint
        self.queue = queue
        self.store = store
        self.ids = TransactionIds(store: store)
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

    public var authorityName: String? { Self.authority(of: entries)?.name }

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

    public func emit(_ message: OutgoingMessage) async {
        let now = clock().millisecondsSince1970
        switch message {
        case .status(let request, let target):
            post(request, to: target)
        case .firmwareStatus(let request, let target):
            post(request, to: target)
        case .diagnosticsStatus(let request, let target):
            post(request, to: target)
        case .startTransaction(let ref, let request):
            enqueue(request, kind: .startTransaction, ref: ref, to: nil, now: now)
        case .stopTransaction(let ref, let request):
            // transactionData per operator: what its own StopTxnSampledData asks for.
            let configuration = await chargePoint.configuration
            enqueue(request, kind: .stopTransaction, ref: ref, to: nil, now: now) { request, name in
                var tailored = request
                tailored.transactionData = Self.transactionData(
                    request.transactionData, measurands: configuration.list("StopTxnSampledData", for: name))
                return tailored
            }
        case .meterValues(let ref, let request, let target):
            if let ref {
                enqueue(request, kind: .meterValues, ref: ref, to: target, now: now)
            } else {
                post(request, to: target)
            }
        }
    }

    func post(_ request: any OCPPRequest & Sendable, to target: String?) {
        for session in sessions.values where target == nil || session.name == target {
            session.post(request)
        }
    }

    /// The sampled values of `data` whose measurand is in `measurands`
    /// (no measurand means the energy register); nil when none is left.
    static func transactionData(_ data: [MeterValue]?, measurands: [String]) -> [MeterValue]? {
        let kept = (data ?? []).compactMap { value -> MeterValue? in
            let samples = value.sampledValue.filter { measurands.contains(($0.measurand ?? .energyActiveImportRegister).rawValue) }
            return samples.isEmpty ? nil : MeterValue(timestamp: value.timestamp, sampledValue: samples)
        }
        return kept.isEmpty ? nil : kept
    }

    /// Stores the message in the queue of every enabled operator of the
    /// list (or one), connected or not, before returning; then wakes the links.
    ///
    /// - Parameter tailor: when given, makes each operator's own copy.
    func enqueue<R: OCPPRequest>(
        _ request: R, kind: MessageKind, ref: Int64, to target: String?, now: Int64, tailor: ((R, String) -> R)? = nil
    ) {
        let common = PayloadCoding.encodedBytes(request)
        for entry in entries where entry.enabled && (target == nil || entry.name == target) {
            let payload = tailor.map { PayloadCoding.encodedBytes($0(request, entry.name)) } ?? common
            do {
                try queue.enqueue(
                    operator: entry.name, action: R.action.rawValue, payload: payload, kind: kind, transactionRef: ref, at: now)
            } catch {
                logger.critical("could not store a transaction message", metadata: ["operator": "\(entry.name)", "error": "\(error)"])
            }
            if let link = sessions[entry.name]?.link {
                Task { await link.outboxChanged() }
            }
        }
    }
}
