import Board
import Glibc
import OCPP16
import Store
import Testing

@testable import ChargePoint

/// The energy register on disk: not rewritten for every meter pulse, yet
/// never lower after a power cut than a value an operator was told.
@Suite struct EnergyStorageTests {
    static func temporaryStore() throws -> KeyValueStore {
        var template = Array("/tmp/chargeplex-energy-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template))
        return try KeyValueStore(database: Database(path: String(cString: directory) + "/agent.db"))
    }

    static let settings: [(key: String, value: String)] = [
        ("MeterValueSampleInterval", "60"), ("MeterValuesSampledData", "Energy.Active.Import.Register"),
    ]

    @Test func pulsesAreWrittenWithTheNextReportNotOneByOne() async throws {
        let store = try Self.temporaryStore()
        var harness = await Harness(settings: Self.settings, persistence: store)
        harness.uplink.answer("CARD", .accepted)
        await harness.send(.energy(connector: 1, wattHours: 5_000))
        await harness.plug()
        await harness.swipe("CARD")
        #expect(harness.uplink.starts.first?.meterStart == 5_000)
        #expect(try ChargePoint.storedRegisters(store)[1] == 5_000)

        // A pulse meter at 22 kW: several steps a second, none written yet.
        for step in 1...300 { await harness.send(.energy(connector: 1, wattHours: 5_000 + Int64(step))) }
        #expect(try ChargePoint.storedRegisters(store)[1] == 5_000)

        // The sampled value is on disk before it is reported.
        await harness.advance(seconds: 60)
        let reported = try #require(harness.uplink.meterValues.last?.request.meterValue.first?.sampledValue.first?.value)
        #expect(reported == "5300")
        #expect(try ChargePoint.storedRegisters(store)[1] == 5_300)

        // More energy, then the power goes before the next write is due.
        for step in 1...100 { await harness.send(.energy(connector: 1, wattHours: 5_300 + Int64(step))) }
        await harness.advance(seconds: 20)
        #expect(try ChargePoint.storedRegisters(store)[1] == 5_300)

        let restarted = await Harness(settings: Self.settings, persistence: store)
        let stop = try #require(restarted.uplink.stops.first)
        #expect(stop.reason == .powerLoss)
        #expect(stop.meterStop >= 5_300)
        #expect(await restarted.chargePoint.snapshot().first?.wattHours == 5_300)
    }

    @Test func aMovingRegisterIsWrittenOnceAMinuteWithoutReports() async throws {
        let store = try Self.temporaryStore()
        var harness = await Harness(settings: [("MeterValueSampleInterval", "0")], persistence: store)
        await harness.send(.energy(connector: 2, wattHours: 10))
        await harness.advance(seconds: 1)
        #expect(try ChargePoint.storedRegisters(store)[2] == 10)
        await harness.send(.energy(connector: 2, wattHours: 20))
        await harness.advance(seconds: 30)
        #expect(try ChargePoint.storedRegisters(store)[2] == 10)
        await harness.advance(seconds: 30)
        #expect(try ChargePoint.storedRegisters(store)[2] == 20)
    }

    @Test func aCleanStopWritesWhatIsLeft() async throws {
        let store = try Self.temporaryStore()
        let harness = await Harness(persistence: store)
        await harness.send(.energy(connector: 1, wattHours: 42))
        await harness.chargePoint.flushEnergy(now: harness.now)
        #expect(try ChargePoint.storedRegisters(store)[1] == 42)
    }
}
