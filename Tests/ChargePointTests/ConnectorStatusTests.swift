import Board
import OCPP16
import Testing

@testable import ChargePoint

/// One test per row of the connector status machine.
@Suite struct ConnectorStatusTests {
    @Test func startsAvailableAndReportsEveryConnector() async {
        let harness = await Harness()
        #expect(await harness.status(1) == .available)
        #expect(harness.uplink.statuses.map(\.0) == [1, 2])
    }

    @Test func pluggedWithoutAuthorizationIsPreparing() async {
        let harness = await Harness()
        await harness.plug()
        #expect(await harness.status() == .preparing)
    }

    @Test func authorizedBeforePlugIsPreparingUntilConnectionTimeOut() async {
        var harness = await Harness(settings: [("ConnectionTimeOut", "30")])
        harness.uplink.answer("CARD1", .accepted)
        await harness.swipe("CARD1")
        #expect(await harness.status() == .preparing)
        await harness.advance(seconds: 31)
        #expect(await harness.status() == .available)
        #expect(harness.uplink.starts.isEmpty)
    }

    @Test func plugThenCardIsCharging() async {
        let harness = await Harness()
        harness.uplink.answer("CARD1", .accepted)
        await harness.plug()
        await harness.swipe("CARD1")
        #expect(await harness.status() == .charging)
        #expect(harness.board.connector(1)?.relayClosed == true)
        #expect(harness.uplink.starts.count == 1)
    }

    @Test func carThatStopsDrawingIsSuspendedEV() async {
        let harness = await Harness()
        harness.uplink.answer("CARD1", .accepted)
        await harness.plug()
        await harness.swipe("CARD1")
        await harness.send(.evDrawing(connector: 1, drawing: false))
        #expect(await harness.status() == .suspendedEV)
    }

    @Test func deauthorizedWithoutStopOnInvalidIdIsSuspendedEVSE() async {
        let harness = await Harness(settings: [("StopTransactionOnInvalidId", "false")])
        harness.uplink.answer("CARD1", .accepted)
        await harness.plug()
        await harness.swipe("CARD1")
        let ref = await harness.chargePoint.transactions[0].ref
        await harness.chargePoint.startConfirmed(ref: ref, idTagInfo: IdTagInfo(status: .blocked), now: harness.now)
        #expect(await harness.status() == .suspendedEVSE)
        #expect(harness.board.connector(1)?.relayClosed == false)
        #expect(harness.uplink.stops.isEmpty)
    }

    @Test func stoppedWithCableInIsFinishingThenAvailable() async {
        let harness = await Harness(settings: [("StopTransactionOnEVSideDisconnect", "true")])
        harness.uplink.answer("CARD1", .accepted)
        await harness.plug()
        await harness.swipe("CARD1")
        await harness.swipe("CARD1")
        #expect(await harness.status() == .finishing)
        #expect(harness.uplink.stops.first?.reason == .local)
        await harness.unplug()
        #expect(await harness.status() == .available)
    }

    @Test func reservedConnectorIsReserved() async {
        let harness = await Harness()
        let status = await harness.respond(
            ReserveNowRequest(connectorId: 1, expiryDate: harness.now.adding(seconds: 600), idTag: "R1", reservationId: 7))
        #expect(status?.status == .accepted)
        #expect(await harness.status() == .reserved)
    }

    @Test func inoperativeConnectorIsUnavailable() async {
        let harness = await Harness()
        let answer = await harness.respond(ChangeAvailabilityRequest(connectorId: 1, type: .inoperative))
        #expect(answer?.status == .accepted)
        #expect(await harness.status() == .unavailable)
    }

    @Test func faultIsFaultedWithItsErrorCodeAndEndsTheTransaction() async {
        let harness = await Harness()
        harness.uplink.answer("CARD1", .accepted)
        await harness.plug()
        await harness.swipe("CARD1")
        await harness.send(.fault(connector: 1, fault: .powerSwitchFailure, active: true))
        let snapshot = await harness.chargePoint.snapshot()[0]
        #expect(snapshot.status == .faulted)
        #expect(snapshot.errorCode == .powerSwitchFailure)
        #expect(harness.board.connector(1)?.relayClosed == false)
        #expect(harness.uplink.stops.count == 1)
    }

    @Test func unpluggingDuringATransactionStopsItWithEVDisconnected() async {
        let harness = await Harness()
        harness.uplink.answer("CARD1", .accepted)
        await harness.plug()
        await harness.swipe("CARD1")
        harness.board.plug(1)
        harness.board.perform(.relay(connector: 1, closed: true))
        harness.board.advance(seconds: 600)
        await harness.send(.energy(connector: 1, wattHours: 2000))
        await harness.unplug()
        let stop = harness.uplink.stops.first
        #expect(stop?.reason == .evDisconnected)
        #expect(stop?.meterStop == 2000)
        #expect(await harness.status() == .available)
    }

    @Test func changeAvailabilityDuringATransactionIsScheduled() async {
        let harness = await Harness()
        harness.uplink.answer("CARD1", .accepted)
        await harness.plug()
        await harness.swipe("CARD1")
        let answer = await harness.respond(ChangeAvailabilityRequest(connectorId: 1, type: .inoperative))
        #expect(answer?.status == .scheduled)
        #expect(await harness.status() == .charging)
        await harness.swipe("CARD1")
        #expect(await harness.status() == .unavailable)
    }
}

@Suite struct MinimumStatusDurationTests {
    @Test func aStatusIsReportedOnlyOnceItHasBeenStable() async {
        var harness = await Harness(settings: [("MinimumStatusDuration", "10")])
        harness.uplink.clear()
        await harness.plug()
        await harness.advance(seconds: 5)
        #expect(harness.uplink.statuses.isEmpty)
        await harness.advance(seconds: 5)
        #expect(harness.uplink.statuses.map(\.1) == [.preparing])
    }

    @Test func aFlickerIsNeverReported() async {
        var harness = await Harness(settings: [("MinimumStatusDuration", "10")])
        harness.uplink.clear()
        await harness.plug()
        await harness.advance(seconds: 3)
        await harness.unplug()
        await harness.advance(seconds: 20)
        #expect(harness.uplink.statuses.isEmpty)
    }
}
