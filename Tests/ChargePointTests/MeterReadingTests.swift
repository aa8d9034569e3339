import Board
import OCPP16
import Store
import Testing

@testable import ChargePoint

/// A Modbus meter's readings as the operators see them: real values, a
/// register that never goes backwards, and a meter failure that suspends
/// charging without ending the driver's session.
@Suite struct MeterReadingTests {
    static let settings: [(key: String, value: String)] = [
        ("MeterValueSampleInterval", "10"),
        ("MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,Frequency"),
    ]

    static func reading(_ wattHours: Int64, serial: String = "SDM-1") -> MeterReading {
        MeterReading(
            energyWattHours: wattHours, powerWatts: 11_040.4, currentAmperes: [16.01, 15.98, 16.0],
            voltageVolts: [230.1, 229.8, 231.04], frequencyHertz: 49.98, serial: serial)
    }

    func charging(_ harness: Harness) async {
        harness.uplink.answer("CARD", .accepted)
        await harness.plug()
        await harness.swipe("CARD")
    }

    @Test func sampledValuesAreTheMetersOwn() async throws {
        var harness = await Harness(settings: Self.settings)
        await harness.send(.meterReading(connector: 1, reading: Self.reading(1_234_000)))
        await charging(harness)
        #expect(harness.uplink.starts.first?.meterStart == 1_234_000)
        await harness.send(.meterReading(connector: 1, reading: Self.reading(1_234_500)))
        await harness.advance(seconds: 10)
        let values = try #require(harness.uplink.meterValues.last?.request.meterValue.first?.sampledValue)
        func value(_ measurand: Measurand, _ phase: Phase? = nil) -> String? {
            values.first { $0.measurand == measurand && $0.phase == phase }?.value
        }
        #expect(value(.energyActiveImportRegister) == "1234500")
        #expect(value(.powerActiveImport) == "11040.4")
        #expect(value(.currentImport, .l2) == "16")
        #expect(value(.voltage, .l1N) == "230.1")
        #expect(value(.voltage, .l3N) == "231")
        #expect(value(.frequency) == "49.98")
    }

    @Test func aResetMeterNeverTakesTheRegisterBackAndEveryOperatorIsTold() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        var harness = await Harness(settings: Self.settings, persistence: store)
        harness.uplink.state.withLock { $0.recipients = ["home", "grid"] }
        await harness.send(.meterReading(connector: 1, reading: Self.reading(50_000)))
        await charging(harness)
        await harness.send(.meterReading(connector: 1, reading: Self.reading(52_000)))
        harness.uplink.clear()

        // The meter is reset during the transaction: it starts again from 0.
        await harness.send(.meterReading(connector: 1, reading: Self.reading(0)))
        await harness.send(.meterReading(connector: 1, reading: Self.reading(300)))
        #expect(await harness.chargePoint.snapshot().first?.wattHours == 52_300)
        let notices = harness.uplink.emitted.compactMap { message -> StatusNotificationRequest? in
            if case .status(let request, nil) = message { request } else { nil }
        }
        #expect(notices.first?.errorCode == .otherError)
        #expect(notices.first?.vendorErrorCode?.value == "MeterReset")
        #expect(notices.last?.errorCode == .noError)
        #expect(notices.last?.status == .charging)
        #expect(await harness.status() == .charging)

        // A swapped meter (a new serial number) is a reset too.
        await harness.send(.meterReading(connector: 1, reading: Self.reading(1_000, serial: "SDM-2")))
        #expect(await harness.chargePoint.snapshot().first?.wattHours == 52_300)
        await harness.send(.meterReading(connector: 1, reading: Self.reading(1_100, serial: "SDM-2")))
        #expect(await harness.chargePoint.snapshot().first?.wattHours == 52_400)
        #expect(harness.uplink.emitted.contains { message in
            if case .status(let request, _) = message { request.vendorErrorCode?.value == "MeterReplaced" } else { false }
        })

        await harness.advance(seconds: 10)
        await harness.chargePoint.stopTransaction(on: 1, reason: .local, idTag: nil, now: harness.now)
        let stop = try #require(harness.uplink.stops.last)
        #expect(stop.meterStop == 52_400)

        // After a restart the offset still holds: the meter goes on from 1 100.
        let restarted = await Harness(settings: Self.settings, persistence: store)
        await restarted.send(.meterReading(connector: 1, reading: Self.reading(1_150, serial: "SDM-2")))
        #expect(await restarted.chargePoint.snapshot().first?.wattHours == 52_450)
        #expect(!restarted.uplink.emitted.contains { message in
            if case .status(let request, _) = message { request.errorCode == .otherError } else { false }
        })
    }

    @Test func aMeterResetWhileTheChargerWasOffIsCaughtAtTheFirstReading() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        var harness = await Harness(settings: Self.settings, persistence: store)
        await harness.send(.meterReading(connector: 1, reading: Self.reading(80_000)))
        await harness.advance(seconds: 61)
        #expect(try ChargePoint.storedRegisters(store)[1] == 80_000)

        let restarted = await Harness(settings: Self.settings, persistence: store)
        await restarted.send(.meterReading(connector: 1, reading: Self.reading(20)))
        #expect(await restarted.chargePoint.snapshot().first?.wattHours == 80_000)
        await restarted.send(.meterReading(connector: 1, reading: Self.reading(70)))
        #expect(await restarted.chargePoint.snapshot().first?.wattHours == 80_050)
    }

    @Test func aSmallDropIsRoundingNotAReset() async throws {
        let harness = await Harness(settings: Self.settings)
        await harness.send(.meterReading(connector: 1, reading: Self.reading(10_000)))
        await harness.send(.meterReading(connector: 1, reading: Self.reading(9_999)))
        await harness.send(.meterReading(connector: 1, reading: Self.reading(10_001)))
        #expect(await harness.chargePoint.snapshot().first?.wattHours == 10_001)
        #expect(harness.uplink.emitted.allSatisfy { message in
            if case .status(let request, _) = message { request.errorCode == .noError } else { true }
        })
    }

    @Test func aSilentMeterSuspendsChargingAndTheSessionGoesOnWhenItAnswers() async throws {
        let harness = await Harness(settings: Self.settings)
        await harness.send(.meterReading(connector: 1, reading: Self.reading(5_000)))
        await charging(harness)
        #expect(harness.board.connector(1)?.relayClosed == true)

        await harness.send(.fault(connector: 1, fault: .powerMeterFailure, active: true))
        #expect(await harness.status() == .faulted)
        #expect(await harness.chargePoint.snapshot().first?.errorCode == .powerMeterFailure)
        #expect(harness.board.connector(1)?.relayClosed == false)
        #expect(harness.uplink.stops.isEmpty)
        #expect(await harness.chargePoint.transactions.count == 1)

        await harness.send(.fault(connector: 1, fault: .powerMeterFailure, active: false))
        #expect(await harness.status() == .charging)
        #expect(harness.board.connector(1)?.relayClosed == true)
        #expect(harness.uplink.stops.isEmpty)
    }

    @Test func otherFaultsStillEndTheTransaction() async throws {
        let harness = await Harness(settings: Self.settings)
        await charging(harness)
        await harness.send(.fault(connector: 1, fault: .groundFailure, active: true))
        #expect(harness.uplink.stops.count == 1)
    }
}
