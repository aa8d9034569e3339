import Board
import OCPP16
import Store
import Synchronization

@testable import ChargePoint

/// The operators layer as the charge point sees it, recording what it is
/// given and answering Authorize as the test says.
final class RecordingUplink: ChargePointUplink {
    struct State {
        var emitted: [OutgoingMessage] = []
        var authorizeAnswers: [String: IdTagInfo] = [:]
        var asked: [String] = []
        var online = true
        var authority: String? = "home"
        var recipients = ["home"]
    }

    let state = Mutex(State())

    var emitted: [OutgoingMessage] { state.withLock { $0.emitted } }
    var asked: [String] { state.withLock { $0.asked } }

    func answer(_ idTag: String, _ status: AuthorizationStatus, parent: String? = nil) {
        state.withLock { $0.authorizeAnswers[idTag.uppercased()] = IdTagInfo(status: status, parentIdTag: parent.map { IdToken(stringLiteral: $0) }) }
    }

    func setOnline(_ online: Bool) { state.withLock { $0.online = online } }
    func setAuthority(_ name: String?) { state.withLock { $0.authority = name } }
    func clear() { state.withLock { $0.emitted.removeAll() } }

    func emit(_ message: OutgoingMessage) async { state.withLock { $0.emitted.append(message) } }

    func authorize(_ idTag: IdToken) async -> IdTagInfo? {
        state.withLock { state in
            state.asked.append(idTag.value)
            guard state.online else { return nil }
            return state.authorizeAnswers[idTag.value.uppercased()] ?? IdTagInfo(status: .invalid)
        }
    }

    var authorityName: String? { state.withLock { $0.authority } }
    var transactionRecipients: [String] { state.withLock { $0.recipients } }
    func transactionMessagesWritten(for operators: Set<String>) async {}
    var authorityOnline: Bool { get async { state.withLock { $0.online } } }

    // Views of what was emitted.
    var statuses: [(Int, ChargePointStatus)] {
        emitted.compactMap { if case .status(let request, _) = $0 { (request.connectorId, request.status) } else { nil } }
    }
    var starts: [StartTransactionRequest] {
        emitted.compactMap { if case .startTransaction(_, let request) = $0 { request } else { nil } }
    }
    var stops: [StopTransactionRequest] {
        emitted.compactMap { if case .stopTransaction(_, let request) = $0 { request } else { nil } }
    }
    var meterValues: [(ref: Int64?, request: MeterValuesRequest, to: String?)] {
        emitted.compactMap { if case .meterValues(let ref, let request, let to) = $0 { (ref, request, to) } else { nil } }
    }
}

/// A charge point on a simulated board with a recording uplink, and a clock
/// that moves only when the test says.
struct Harness {
    let board: SimBoard
    let uplink = RecordingUplink()
    let chargePoint: ChargePoint
    var now = OCPPDateTime(millisecondsSince1970: 1_795_000_000_000)

    init(
        connectors: Int = 2, settings: [(key: String, value: String)] = [], localList: [AuthorizationData] = [], freeVend: IdToken? = nil,
        persistence: KeyValueStore? = nil, signedMeters: (any SignedMeters)? = nil
    ) async {
        let sim = SimBoard(connectorCount: connectors)
        board = sim
        let driven: any Board = signedMeters.map { SimBoardWithMeters(sim, meters: $0) } ?? sim
        chargePoint = ChargePoint(
            identity: .init(vendor: "Chargeplex", model: "Test"),
            board: driven, persistence: persistence,
            ledger: persistence.map { try! TransactionLedger(queue: MessageQueue(database: $0.database)) },
            configuration: try! ConfigurationStore(persistence: nil, connectorCount: connectors, initial: settings),
            localList: localList, freeVend: freeVend)
        await chargePoint.attach(uplink: uplink, requests: { _ in })
        await chargePoint.recover(energy: try! persistence.map(ChargePoint.storedRegisters) ?? [:], now: now)
    }

    func send(_ event: BoardEvent) async { await chargePoint.handle(event, now: now) }
    func plug(_ connector: Int = 1) async { await send(.plug(connector: connector, connected: true)) }
    func unplug(_ connector: Int = 1) async { await send(.plug(connector: connector, connected: false)) }
    func swipe(_ card: String, at connector: Int? = 1) async { await send(.cardRead(connector: connector, idTag: card)) }

    mutating func advance(seconds: Int64) async {
        now = now.adding(seconds: seconds)
        await chargePoint.tick(now: now, audiences: ["home"])
    }

    func status(_ connector: Int = 1) async -> ChargePointStatus? {
        await chargePoint.snapshot().first { $0.number == connector }?.status
    }

    func respond<R: ChargePointOperation>(_ request: R, from name: String? = "home") async -> R.Response? {
        await chargePoint.respond(to: request, from: RequestOrigin(operatorName: name), now: now)
    }
}

/// A simulated board whose connectors have signing meters.
final class SimBoardWithMeters: Board {
    let sim: SimBoard
    let meters: any SignedMeters
    init(_ sim: SimBoard, meters: any SignedMeters) {
        self.sim = sim
        self.meters = meters
    }
    var connectorCount: Int { sim.connectorCount }
    var events: AsyncStream<BoardEvent> { sim.events }
    func perform(_ command: BoardCommand) { sim.perform(command) }
    func makeSafe() { sim.makeSafe() }
    func probe(_ number: UInt64) { sim.probe(number) }
    var signedMeters: (any SignedMeters)? { meters }
}
