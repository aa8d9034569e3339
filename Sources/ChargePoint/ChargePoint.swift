import Board
import Logging
import OCPP16
import Store

/// The charge point's own behaviour: connectors, transactions,
/// authorization, metering, configuration, reservations and charging
/// limits. It sees operators only by name; who may ask for what is decided
/// before a request reaches it (see the operators layer).
///
/// Time never comes from a clock here: every entry point takes `now`, and
/// `tick(now:)` is called once a second by the daemon (or a test).
public actor ChargePoint {
    public struct Identity: Sendable {
        public var vendor: String
        public var model: String
        public var serialNumber: String?
        public var firmwareVersion: String?
        public init(vendor: String, model: String, serialNumber: String? = nil, firmwareVersion: String? = nil) {
            self.vendor = vendor
            self.model = model
            self.serialNumber = serialNumber
            self.firmwareVersion = firmwareVersion
        }
    }

    public let identity: Identity
    let board: any Board
    let logger: Logger
    /// Transactions and every operator's messages about them (nil: nothing is kept).
    let ledger: TransactionLedger?
    let persistence: KeyValueStore?
    /// Transaction records and messages that could not be written yet, in order.
    var unwritten = TransactionWrite()
    /// The last write of the charger's state failed: every connector reports
    /// it, and no transaction starts until a write succeeds again.
    var storageFailing = false
    /// Operators whose late-written messages still have to be announced.
    var wakeAfterRetry: Set<String> = []
    var uplink: (any ChargePointUplink)?
    var requests: (@Sendable (ChargePointRequest) -> Void)?

    public internal(set) var configuration: ConfigurationStore
    var connectors: [Connector]
    var reservations: [Reservation] = []
    var localLists: [String: LocalAuthList] = [:]
    var caches: [String: AuthorizationCache] = [:]
    /// Operators whose cache changed since it was last stored.
    var unsavedCaches: Set<String> = []
    /// The local list of the configuration file: used when nobody is the authority.
    let configuredList: LocalAuthList
    let freeVend: IdToken?
    var lastRef: Int64 = 0
    /// Each operator's charging profiles, kept apart (operators.md).
    var profiles: [String: ChargingProfileStore] = [:]
    /// A TxProfile that came with a RemoteStartTransaction, installed when
    /// the transaction starts.
    var pendingRemoteProfiles: [Int: (profile: ChargingProfile, operatorName: String)] = [:]
    var sampling = SamplingState()
    /// Signed Transaction.Begin readings still being taken, by transaction.
    var signedBeginsInFlight: [Int64: Task<Void, Never>] = [:]
    /// What of the energy registers is on disk, and when it was written.
    var energyLedger = EnergyLedger()
    var firmwareService: (any FirmwareService)?
    var firmwareUpdate: FirmwareUpdate?
    var firmwareUpdateCount = 0
    var firmwareStatus = FirmwareStatus.idle
    var firmwareWork: Task<Void, Never>?
    /// Checks signed firmware against the manufacturer roots (nil: signed firmware is refused).
    var firmwareVerifier: (any FirmwareVerifier)?
    /// The time of the last tick, for what a download or check reports when it ends.
    var firmwareClock = OCPPDateTime(millisecondsSince1970: 0)
    /// The last SignedFirmwareStatusNotification sent, for ExtendedTriggerMessage.
    var lastSignedFirmwareStatus: SignedFirmwareStatusNotificationRequest?
    var diagnosticsService: (any DiagnosticsService)?
    var diagnosticsUpload: DiagnosticsUpload?
    var diagnosticsUploadCount = 0
    var diagnosticsWork: Task<Void, Never>?
    /// The root certificate stores of the security extension (nil: none kept).
    var certificateStores: CertificateStores?
    /// Security events noticed where no message can be awaited: sent on the next tick.
    var securityEventsDue: [(type: SecurityEventType, techInfo: String?)] = []
    /// The time of the latest tick, for what completes between ticks without a time of its own.
    var lastTick: OCPPDateTime?
    public let voltage: Double
    public let phases: Int
    /// What the hardware allows per phase when no profile limits it.
    public let maximumCurrent: Double

    public init(
        identity: Identity, board: any Board, persistence: KeyValueStore?, ledger: TransactionLedger? = nil,
        configuration: ConfigurationStore,
        localList: [AuthorizationData] = [], freeVend: IdToken? = nil, voltage: Double = 230, phases: Int = 3,
        maximumCurrent: Double = 32,
        logger: Logger = Logger(label: "chargeplex.chargepoint")
    ) {
        self.identity = identity
        self.board = board
        self.persistence = persistence
        self.configuration = configuration
        self.freeVend = freeVend
        self.voltage = voltage
        self.phases = phases
        self.maximumCurrent = maximumCurrent
        self.logger = logger
        self.ledger = ledger
        connectors = (1...max(1, board.connectorCount)).map { Connector(number: $0) }
        var list = LocalAuthList()
        _ = list.apply(
            SendLocalListRequest(listVersion: 1, localAuthorizationList: localList, updateType: .full),
            maximumLength: .max, maximumPerMessage: .max)
        configuredList = list
    }

    /// Connects the charge point to the operators layer and the daemon.
    public func attach(uplink: any ChargePointUplink, requests: @escaping @Sendable (ChargePointRequest) -> Void) {
        self.uplink = uplink
        self.requests = requests
    }

    /// The BootNotification this charger sends on every connection.
    public nonisolated var bootNotification: BootNotificationRequest {
        BootNotificationRequest(
            chargePointVendor: CiString20(truncating: identity.vendor), chargePointModel: CiString20(truncating: identity.model),
            chargePointSerialNumber: identity.serialNumber.map { CiString25(truncating: $0) },
            firmwareVersion: identity.firmwareVersion.map { CiString50(truncating: $0) })
    }

    // MARK: Start-up

    /// After a crash or power cut: every transaction left open is stopped
    /// with reason PowerLoss and the last known meter value.
    public func recover(energy: [Int: Int64], now: OCPPDateTime) async {
        loadMeterOffsets()
        for (connector, wattHours) in energy {
            guard let index = index(of: connector), wattHours >= 0 else { continue }
            connectors[index].wattHours = wattHours
            energyLedger.stored[connector] = wattHours
        }
        var announced: [OutgoingMessage] = []
        for transaction in storedTransactions() {
            lastRef = max(lastRef, transaction.ref)
            logger.warning("transaction left open by a power loss: stopping it", metadata: ["ref": "\(transaction.ref)", "connector": "\(transaction.connector)"])
            // Never stamped before a value an operator already has.
            let stop = StopTransactionRequest(
                idTag: transaction.idTag, meterStop: Int(transaction.lastMeter),
                timestamp: max(transaction.lastMeterAt, transaction.lastReportedAt), transactionId: 0, reason: .powerLoss)
            commit(TransactionWrite(messages: stopMessages(transaction, stop), ended: [transaction.ref]), now: now)
            announced.append(.stopTransaction(ref: transaction.ref, stop))
        }
        board.makeSafe()
        for message in announced { await uplink?.emit(message) }
        await reportAllStatuses(now: now, force: true)
    }

    // MARK: Observing

    public struct ConnectorSnapshot: Sendable, Equatable {
        public var number: Int
        public var status: ChargePointStatus
        public var errorCode: ChargePointErrorCode
        public var transaction: Transaction?
        public var wattHours: Int64
        public var limitAmperes: Double?
    }

    public func snapshot() -> [ConnectorSnapshot] {
        connectors.map { connector in
            ConnectorSnapshot(
                number: connector.number, status: connector.status(reservation: reservation(for: connector.number)),
                errorCode: errorCode(of: connector), transaction: connector.transaction, wattHours: connector.wattHours,
                limitAmperes: connector.limitAmperes)
        }
    }

    public var transactions: [Transaction] { connectors.compactMap(\.transaction) }

    /// Where connector `connector` (from 1) sits in `connectors`. The number
    /// may come from the wire: it is compared before anything is subtracted.
    func index(of connector: Int) -> Int? {
        // Compared before any arithmetic: the number may come from the wire.
        guard connector >= 1, connector <= connectors.count else { return nil }
        return connector - 1
    }

    /// A connector's error: its own fault, else a state that cannot be written.
    func errorCode(of connector: Connector) -> ChargePointErrorCode {
        connector.faults.isEmpty && storageFailing ? .otherError : connector.errorCode
    }

    // MARK: Status

    func statusRequest(for connector: Connector, now: OCPPDateTime) -> StatusNotificationRequest {
        let storage = connector.faults.isEmpty && storageFailing
        return StatusNotificationRequest(
            connectorId: connector.number, errorCode: errorCode(of: connector),
            info: storage ? "the charger's state cannot be written" : nil,
            status: connector.status(reservation: reservation(for: connector.number)), timestamp: now,
            vendorErrorCode: storage ? "StorageFull" : nil)
    }

    /// Sends a StatusNotification for every connector whose status changed
    /// and has stayed so for MinimumStatusDuration seconds (checked again on
    /// every tick), so that a status that flickers is not reported.
    func reportStatuses(now: OCPPDateTime) async {
        let minimum = Int64(configuration.integer("MinimumStatusDuration")) * 1000
        for index in connectors.indices {
            let status = connectors[index].status(reservation: reservation(for: connectors[index].number))
            let error = errorCode(of: connectors[index])
            if let reported = connectors[index].reported, reported.status == status, reported.error == error {
                connectors[index].settling = nil
                continue
            }
            if minimum > 0, connectors[index].reported != nil {
                if let settling = connectors[index].settling, settling.status == status, settling.error == error {
                    guard now.millisecondsSince1970 - settling.since.millisecondsSince1970 >= minimum else { continue }
                } else {
                    connectors[index].settling = (status, error, now)
                    continue
                }
            }
            connectors[index].settling = nil
            connectors[index].reported = (status, error)
            await uplink?.emit(.status(statusRequest(for: connectors[index], now: now), to: nil))
        }
    }

    /// The current status of every connector, connector 0 first: what an
    /// operator gets on (re)connection.
    public func currentStatuses(now: OCPPDateTime) -> [StatusNotificationRequest] {
        let allUnavailable = connectors.allSatisfy { !$0.operative }
        let zero = StatusNotificationRequest(
            connectorId: 0, errorCode: .noError, status: allUnavailable ? .unavailable : .available, timestamp: now)
        return [zero] + connectors.map { statusRequest(for: $0, now: now) }
    }

    func reportAllStatuses(now: OCPPDateTime, force: Bool) async {
        if force { for index in connectors.indices { connectors[index].reported = nil } }
        await reportStatuses(now: now)
    }
}
