import Board
import ChargePoint
import Configuration
import Foundation
import Link
import OCPP16
import Store
import Synchronization

@testable import Operators

/// A clock that moves only when the test says.
final class TestClock: Sendable {
    private let milliseconds = Mutex<Int64>(1_796_000_000_000)
    var now: OCPPDateTime { OCPPDateTime(millisecondsSince1970: milliseconds.withLock { $0 }) }
    func advance(seconds: Int64) { milliseconds.withLock { $0 += seconds * 1000 } }
}

/// The whole operators layer over a real charge point and a real SQLite
/// store, with in-memory Central Systems in place of sockets.
struct OperatorsRig {
    let directory: URL
    let board: SimBoard
    let chargePoint: ChargePoint
    let operators: Operators
    let ledger: TransactionLedger
    let centrals: [String: FakeCentralSystem]
    let clock = TestClock()

    static func entry(_ name: String, _ role: OperatorRole) -> OperatorEntry {
        OperatorEntry(name: name, url: "ws://127.0.0.1:9/\(name)", chargePointId: "CP-1", role: role, allowInsecure: true)
    }

    init(
        _ list: [(String, OperatorRole)], extra: [String] = [], offline: Set<String> = [], connectors: Int = 2,
        keys: [(String, String)] = []
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargeplex-operators-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try Database(path: directory.appendingPathComponent("agent.db").path)
        let store = try KeyValueStore(database: database)
        let queue = try MessageQueue(database: database)
        ledger = TransactionLedger(queue: queue)
        board = SimBoard(connectorCount: connectors)
        chargePoint = ChargePoint(
            identity: .init(vendor: "Chargeplex", model: "Test"), board: board, persistence: store, ledger: ledger,
            configuration: try ConfigurationStore(
                persistence: store, connectorCount: connectors,
                initial: [("MeterValueSampleInterval", "10"), ("MeterValuesSampledData", "Energy.Active.Import.Register")] + keys))
        var centrals: [String: FakeCentralSystem] = [:]
        for (index, name) in (list.map(\.0) + extra).enumerated() {
            let central = FakeCentralSystem(name, firstId: 1000 * (index + 1))
            if offline.contains(name) { await central.setOnline(false) }
            centrals[name] = central
        }
        self.centrals = centrals
        let known = centrals
        let clock = clock
        operators = Operators(
            chargePoint: chargePoint, queue: queue, store: store,
            settings: Operators.Settings(chargePointId: "CP-1") { configuration, outbox, _, handlers in
                let name = String(configuration.url.split(separator: "/").last ?? "")
                guard let central = known[name] else { throw LinkError.invalidConfiguration("no central system \(name)") }
                return FakeLink(central: central, outbox: outbox, handlers: handlers)
            },
            clock: { clock.now })
        await chargePoint.attach(uplink: operators, requests: { _ in })
        await operators.start(configured: list.map { Self.entry($0.0, $0.1) })
        await chargePoint.recover(energy: [:], now: clock.now)
    }

    subscript(name: String) -> FakeCentralSystem { centrals[name]! }

    var now: OCPPDateTime { clock.now }

    /// Waits until the operator's link is open and its registration accepted.
    func waitUntilRegistered(_ names: [String]) async -> Bool {
        for name in names {
            guard await self[name].wait(until: { $0.contains { $0.action == "BootNotification" } }) else { return false }
            let deadline = ContinuousClock.now + .seconds(10)
            while await !operators.overview().contains(where: { $0.name == name && $0.link == "open" && $0.registration == "Accepted" }) {
                guard ContinuousClock.now < deadline else { return false }
                await Task.yield()
            }
        }
        return true
    }

    func send(_ event: BoardEvent) async { await chargePoint.handle(event, now: clock.now) }
    func plug(_ connector: Int) async { await send(.plug(connector: connector, connected: true)) }
    func unplug(_ connector: Int) async { await send(.plug(connector: connector, connected: false)) }
    func swipe(_ card: String, at connector: Int) async { await send(.cardRead(connector: connector, idTag: card)) }

    func advance(seconds: Int64) async {
        clock.advance(seconds: seconds)
        let names = await operators.entries.filter(\.enabled).map(\.name)
        await chargePoint.tick(now: clock.now, audiences: names)
    }

    /// Waits until every named operator's queue is empty.
    func waitUntilDelivered(_ names: [String]) async -> Bool {
        for name in names {
            guard await self[name].wait(until: { _ in ((try? ledger.queue.count(operator: name)) ?? 1) == 0 }) else { return false }
        }
        return true
    }

    func cleanUp() async {
        await operators.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}
