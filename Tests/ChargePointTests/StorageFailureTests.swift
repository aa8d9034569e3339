import Board
import Glibc
import OCPP16
import Store
import Testing

@testable import ChargePoint

/// A disk that refuses writes: running transactions go on and their
/// messages are written once it can be written again; no new transaction
/// starts without its record; every connector shows the error meanwhile.
@Suite struct StorageFailureTests {
    static func temporaryStore() throws -> KeyValueStore {
        try EnergyStorageTests.temporaryStore()
    }

    /// A harness on a real store with one transaction that has reported 1 kWh.
    static func charging(_ store: KeyValueStore) async -> Harness {
        var harness = await Harness(settings: settings, persistence: store)
        harness.uplink.answer("CARD", .accepted)
        await harness.plug(1)
        await harness.swipe("CARD", at: 1)
        await harness.send(.energy(connector: 1, wattHours: 1_000))
        await harness.advance(seconds: 11)
        return harness
    }

    static func refuseWrites(_ store: KeyValueStore, _ refused: Bool) throws {
        try store.database.execute("PRAGMA query_only = \(refused ? 1 : 0)")
    }

    static let settings: [(key: String, value: String)] = [
        ("MeterValueSampleInterval", "10"), ("MeterValuesSampledData", "Energy.Active.Import.Register"),
    ]

    func statuses(_ uplink: RecordingUplink) -> [StatusNotificationRequest] {
        uplink.emitted.compactMap { if case .status(let request, _) = $0 { request } else { nil } }
    }

    @Test func aRunningTransactionOutlivesAFullDiskAndNoNewOneStarts() async throws {
        let store = try Self.temporaryStore()
        let queue = try MessageQueue(database: store.database)
        var harness = await Harness(settings: Self.settings, persistence: store)
        harness.uplink.state.withLock { $0.recipients = ["home", "dc"] }
        harness.uplink.answer("FIRST", .accepted)
        harness.uplink.answer("SECOND", .accepted)
        await harness.plug(1)
        await harness.swipe("FIRST", at: 1)
        #expect(await harness.status(1) == .charging)

        try Self.refuseWrites(store, true)
        harness.uplink.clear()
        await harness.send(.energy(connector: 1, wattHours: 2_500))
        await harness.advance(seconds: 11)
        #expect(await harness.status(1) == .charging)
        // Every connector tells every operator that the state cannot be written.
        let reported = statuses(harness.uplink)
        #expect(reported.contains { $0.connectorId == 1 && $0.errorCode == .otherError && $0.vendorErrorCode?.value == "StorageFull" })
        #expect(reported.contains { $0.connectorId == 2 && $0.errorCode == .otherError })

        await harness.plug(2)
        await harness.swipe("SECOND", at: 2)
        #expect(await harness.chargePoint.transactions.map(\.connector) == [1])
        #expect(harness.board.connector(2)?.relayClosed == false)

        try Self.refuseWrites(store, false)
        harness.uplink.clear()
        await harness.advance(seconds: 1)
        #expect(statuses(harness.uplink).contains { $0.connectorId == 2 && $0.errorCode == .noError })
        // The values due while the disk refused were written once it could
        // be (the harness samples for "home" only).
        #expect(try queue.all(operator: "home").map(\.action) == ["StartTransaction", "MeterValues"])
        #expect(try queue.all(operator: "dc").map(\.action) == ["StartTransaction"])
        await harness.swipe("SECOND", at: 2)
        #expect(await harness.chargePoint.transactions.map(\.connector) == [1, 2])
    }

    @Test func aStopTheDiskRefusedIsWrittenWhenItCanAndNeverStampedBeforeAReportedValue() async throws {
        let store = try Self.temporaryStore()
        let queue = try MessageQueue(database: store.database)
        var harness = await Self.charging(store)
        try Self.refuseWrites(store, true)
        await harness.swipe("CARD", at: 1)
        #expect(await harness.chargePoint.transactions.isEmpty)
        #expect(try queue.all(operator: "home").map(\.action) == ["StartTransaction", "MeterValues"])
        try Self.refuseWrites(store, false)
        await harness.advance(seconds: 1)
        #expect(try queue.all(operator: "home").map(\.action) == ["StartTransaction", "MeterValues", "StopTransaction"])
        #expect(try TransactionLedger(queue: queue).openTransactions().isEmpty)
    }

    @Test func aPowerCutStopIsNeverStampedBeforeAValueAnOperatorHas() async throws {
        let store = try Self.temporaryStore()
        let queue = try MessageQueue(database: store.database)
        let harness = await Self.charging(store)
        let reported = try #require(harness.uplink.meterValues.last?.request.meterValue.last?.timestamp)
        // The power goes; the charger comes back with the same disk.
        let restarted = await Harness(settings: Self.settings, persistence: store)
        let stop = try #require(restarted.uplink.stops.first)
        #expect(stop.reason == .powerLoss)
        #expect(stop.timestamp >= reported)
        #expect(stop.meterStop == 1_000)
        #expect(try queue.all(operator: "home").map(\.action) == ["StartTransaction", "MeterValues", "StopTransaction"])
    }
}
