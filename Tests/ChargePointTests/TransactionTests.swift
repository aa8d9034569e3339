import Board
import OCPP16
import Testing

@testable import ChargePoint

@Suite struct TransactionTests {
    @Test func remoteStartAuthorizesFirstWhenAsked() async {
        let harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "true")])
        await harness.plug()
        #expect(await harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "NOPE"))?.status == .rejected)
        harness.uplink.answer("YES", .accepted)
        #expect(await harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "YES"))?.status == .accepted)
        #expect(harness.uplink.starts.map(\.idTag) == ["YES"])
    }

    @Test func remoteStartWithoutAuthorizationStartsAtOnce() async {
        let harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")])
        await harness.plug(2)
        #expect(await harness.respond(RemoteStartTransactionRequest(connectorId: 2, idTag: "ANY"))?.status == .accepted)
        #expect(harness.uplink.starts.first?.connectorId == 2)
        #expect(harness.uplink.asked.isEmpty)
    }

    @Test func remoteStopByTransactionNumber() async {
        let harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")])
        await harness.plug()
        _ = await harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "ANY"))
        let ref = await harness.chargePoint.transactions[0].ref
        #expect(await harness.respond(RemoteStopTransactionRequest(transactionId: Int(ref) + 100))?.status == .rejected)
        #expect(await harness.respond(RemoteStopTransactionRequest(transactionId: Int(ref)))?.status == .accepted)
        #expect(harness.uplink.stops.first?.reason == .remote)
    }

    @Test(arguments: [(ResetType.hard, StopReason.hardReset), (.soft, .softReset)])
    func resetStopsEveryTransactionWithItsReason(_ type: ResetType, _ reason: StopReason) async {
        let harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")])
        await harness.plug(1)
        await harness.plug(2)
        _ = await harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "A"))
        _ = await harness.respond(RemoteStartTransactionRequest(connectorId: 2, idTag: "B"))
        #expect(await harness.respond(ResetRequest(type: type))?.status == .accepted)
        #expect(harness.uplink.stops.map(\.reason) == [reason, reason])
        #expect(harness.board.connector(1)?.relayClosed == false)
    }

    @Test func unlockEndsTheTransactionWithUnlockCommand() async {
        let harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")])
        await harness.plug()
        _ = await harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "A"))
        #expect(await harness.respond(UnlockConnectorRequest(connectorId: 1))?.status == .unlocked)
        #expect(harness.uplink.stops.first?.reason == .unlockCommand)
        #expect(await harness.respond(UnlockConnectorRequest(connectorId: 9))?.status == .notSupported)
    }

    @Test func sampledMeterValuesFollowTheInterval() async {
        var harness = await Harness(settings: [("MeterValueSampleInterval", "60"), ("MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import")])
        harness.uplink.answer("CARD", .accepted)
        await harness.plug()
        await harness.swipe("CARD")
        await harness.advance(seconds: 30)
        #expect(harness.uplink.meterValues.isEmpty)
        await harness.advance(seconds: 30)
        await harness.advance(seconds: 60)
        let values = harness.uplink.meterValues
        #expect(values.count == 2)
        #expect(values.allSatisfy { $0.ref != nil && $0.to == "home" })
        let measurands = values.first?.request.meterValue.first?.sampledValue.compactMap(\.measurand)
        #expect(measurands == [.energyActiveImportRegister, .powerActiveImport])
    }

    @Test func clockAlignedValuesComeOnTheSlot() async {
        var harness = await Harness(connectors: 1, settings: [("ClockAlignedDataInterval", "900"), ("MeterValueSampleInterval", "0")])
        await harness.advance(seconds: 1)
        let before = harness.uplink.meterValues.count
        await harness.advance(seconds: 900)
        #expect(harness.uplink.meterValues.count == before + 1)
        #expect(harness.uplink.meterValues.last?.request.meterValue.first?.sampledValue.first?.context == .sampleClock)
    }

    @Test func theEnergyRegisterNeverGoesBackwards() async {
        let harness = await Harness()
        await harness.send(.energy(connector: 1, wattHours: 5000))
        await harness.send(.energy(connector: 1, wattHours: 4000))
        #expect(await harness.chargePoint.snapshot()[0].wattHours == 5000)
    }

    @Test func stopCarriesTransactionDataWhenAsked() async {
        let harness = await Harness(settings: [("StopTxnSampledData", "Energy.Active.Import.Register")])
        harness.uplink.answer("CARD", .accepted)
        await harness.send(.energy(connector: 1, wattHours: 100))
        await harness.plug()
        await harness.swipe("CARD")
        await harness.send(.energy(connector: 1, wattHours: 1100))
        await harness.swipe("CARD")
        let data = harness.uplink.stops.first?.transactionData
        #expect(data?.map { $0.sampledValue[0].value } == ["100", "1100"])
        #expect(harness.uplink.stops.first?.meterStop == 1100)
        #expect(harness.uplink.starts.first?.meterStart == 100)
    }
}

@Suite struct ChargingLimitTests {
    static func profile(id: Int, limit: Double) -> SetChargingProfileRequest {
        SetChargingProfileRequest(
            connectorId: 0,
            csChargingProfiles: ChargingProfile(
                chargingProfileId: id, stackLevel: 0, chargingProfilePurpose: .txDefaultProfile, chargingProfileKind: .absolute,
                chargingSchedule: ChargingSchedule(
                    startSchedule: OCPPDateTime(millisecondsSince1970: 0), chargingRateUnit: .amperes,
                    chargingSchedulePeriod: [ChargingSchedulePeriod(startPeriod: 0, limit: ChargingRate(limit))])))
    }

    @Test func theLowestLimitOfAllOperatorsReachesTheBoard() async {
        let harness = await Harness()
        harness.uplink.answer("CARD", .accepted)
        #expect(await harness.respond(Self.profile(id: 1, limit: 16), from: "billing")?.status == .accepted)
        #expect(await harness.respond(Self.profile(id: 1, limit: 6), from: "energy")?.status == .accepted)
        await harness.plug()
        await harness.swipe("CARD")
        #expect(harness.board.connector(1)?.currentLimit == 6)
        #expect(await harness.status() == .charging)
    }

    @Test func aLimitOfZeroSuspendsButNeverStops() async {
        let harness = await Harness()
        harness.uplink.answer("CARD", .accepted)
        await harness.plug()
        await harness.swipe("CARD")
        #expect(await harness.respond(Self.profile(id: 2, limit: 0), from: "energy")?.status == .accepted)
        #expect(await harness.status() == .suspendedEVSE)
        #expect(harness.board.connector(1)?.relayClosed == false)
        #expect(harness.uplink.stops.isEmpty)
        #expect(await harness.respond(ClearChargingProfileRequest(id: 2), from: "energy")?.status == .accepted)
        #expect(await harness.status() == .charging)
        #expect(harness.board.connector(1)?.relayClosed == true)
        #expect(harness.board.connector(1)?.currentLimit == 32)
    }

    @Test func eachOperatorSeesItsOwnCompositeSchedule() async {
        let harness = await Harness()
        _ = await harness.respond(Self.profile(id: 1, limit: 6), from: "energy")
        let theirs = await harness.respond(GetCompositeScheduleRequest(connectorId: 1, duration: 600, chargingRateUnit: .amperes), from: "energy")
        #expect(theirs?.chargingSchedule?.chargingSchedulePeriod.first?.limit == 6)
        let ours = await harness.respond(GetCompositeScheduleRequest(connectorId: 1, duration: 600, chargingRateUnit: .amperes), from: "home")
        #expect(ours?.chargingSchedule?.chargingSchedulePeriod.first?.limit != 6)
    }
}
