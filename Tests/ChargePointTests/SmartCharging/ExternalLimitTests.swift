import Board
import OCPP16
import Testing

@testable import ChargePoint

/// An external power limit (a grid operator's control contact) is one more
/// party in the lowest-of-all merge: applied on its event, in every
/// operator's composite schedule, never ending a transaction.
@Suite struct ExternalLimitTests {
    static func profile(id: Int, amperes: Double) -> SetChargingProfileRequest {
        ChargingLimitTests.profile(id: id, limit: amperes)
    }

    /// A charging transaction on connector 1.
    static func charging(_ harness: Harness) async {
        harness.uplink.answer("CARD", .accepted)
        await harness.plug()
        await harness.swipe("CARD")
    }

    static func contact(_ watts: Double?) -> BoardEvent { .externalLimit(source: .contact, watts: watts) }

    var told: (RecordingUplink) -> [Double?] = { uplink in
        uplink.emitted.compactMap { if case .externalLimit(.contact, let watts, nil) = $0 { watts } else { nil } }
    }

    @Test func aLimitBelowTheOperatorsProfilesCapsTheCurrentAtOnceAndItsEndRestoresThem() async {
        let harness = await Harness()
        #expect(await harness.respond(Self.profile(id: 1, amperes: 16), from: "billing")?.status == .accepted)
        await Self.charging(harness)
        #expect(harness.board.connector(1)?.currentLimit == 16)
        await harness.send(Self.contact(4200))
        // 4200 W over three phases at 230 V, without waiting for a tick.
        let limited = harness.board.connector(1)?.currentLimit ?? 0
        #expect(abs(limited - 4200.0 / 690.0) < 0.001)
        #expect(await harness.status() == .charging)
        await harness.send(Self.contact(nil))
        #expect(harness.board.connector(1)?.currentLimit == 16)
        #expect(harness.uplink.stops.isEmpty)
        #expect(told(harness.uplink) == [4200, nil])
    }

    @Test func theLimitBindsTheChargerAsAWholeSharedAmongItsSessions() async {
        let harness = await Harness()
        harness.uplink.answer("CARD", .accepted)
        harness.uplink.answer("OTHER", .accepted)
        await harness.send(Self.contact(4200))
        await harness.plug(1)
        await harness.swipe("CARD", at: 1)
        #expect(abs((harness.board.connector(1)?.currentLimit ?? 0) - 4200.0 / 690.0) < 0.001)
        // A second session: each gets half, the charger stays within 4200 W.
        await harness.plug(2)
        await harness.swipe("OTHER", at: 2)
        #expect(abs((harness.board.connector(1)?.currentLimit ?? 0) - 2100.0 / 690.0) < 0.001)
        #expect(abs((harness.board.connector(2)?.currentLimit ?? 0) - 2100.0 / 690.0) < 0.001)
        let whole = await harness.respond(GetCompositeScheduleRequest(connectorId: 0, duration: 60, chargingRateUnit: .watts))
        #expect(whole?.chargingSchedule?.chargingSchedulePeriod.first?.limit.value == 4200)
        let share = await harness.respond(GetCompositeScheduleRequest(connectorId: 2, duration: 60, chargingRateUnit: .watts))
        #expect(share?.chargingSchedule?.chargingSchedulePeriod.first?.limit.value == 2100)
        // The first ends: the other gets the whole limit at once.
        await harness.swipe("CARD", at: 1)
        #expect(harness.uplink.stops.count == 1)
        #expect(abs((harness.board.connector(2)?.currentLimit ?? 0) - 4200.0 / 690.0) < 0.001)
    }

    @Test func aLimitAboveTheOperatorsProfilesChangesNothing() async {
        let harness = await Harness()
        #expect(await harness.respond(Self.profile(id: 1, amperes: 6), from: "energy")?.status == .accepted)
        await Self.charging(harness)
        await harness.send(Self.contact(11_000))
        #expect(harness.board.connector(1)?.currentLimit == 6)
        #expect(told(harness.uplink) == [11_000])
    }

    @Test func zeroWattsSuspendsWithoutStoppingAndTheEndResumes() async {
        var harness = await Harness()
        await Self.charging(harness)
        await harness.send(Self.contact(0))
        #expect(await harness.status() == .suspendedEVSE)
        #expect(harness.board.connector(1)?.relayClosed == false)
        await harness.advance(seconds: 5)
        #expect(await harness.status() == .suspendedEVSE)
        await harness.send(Self.contact(nil))
        #expect(await harness.status() == .charging)
        #expect(harness.board.connector(1)?.relayClosed == true)
        #expect(harness.board.connector(1)?.currentLimit == 32)
        #expect(harness.uplink.stops.isEmpty)
        #expect(harness.uplink.statuses.filter { $0.0 == 1 }.map(\.1).suffix(2) == [.suspendedEVSE, .charging])
    }

    @Test func aTransactionStartedUnderZeroWattsNeverClosesItsRelay() async {
        let harness = await Harness()
        await harness.send(Self.contact(0))
        await Self.charging(harness)
        #expect(harness.uplink.starts.count == 1)
        #expect(await harness.status() == .suspendedEVSE)
        #expect(harness.board.connector(1)?.relayClosed == false)
        await harness.send(Self.contact(nil))
        #expect(harness.board.connector(1)?.relayClosed == true)
    }

    @Test func theBoardsFirstReportOfNoLimitAndRepeatsAreNotTold() async {
        let harness = await Harness()
        await harness.send(Self.contact(nil))
        await harness.send(Self.contact(4200))
        await harness.send(Self.contact(4200))
        await harness.send(Self.contact(3000))
        await harness.send(Self.contact(nil))
        #expect(told(harness.uplink) == [4200, 3000, nil])
        let states = await harness.chargePoint.externalLimitStates
        #expect(states == [ExternalLimitState(source: .contact, watts: nil, since: harness.now)])
    }

    @Test func aPowerThatIsNoPowerIsIgnored() async {
        let harness = await Harness()
        await Self.charging(harness)
        for watts in [-1, .nan, .infinity, 2e9] {
            await harness.send(Self.contact(watts))
        }
        #expect(harness.board.connector(1)?.currentLimit == 32)
        #expect(told(harness.uplink).isEmpty)
        #expect(await harness.chargePoint.externalLimitStates.isEmpty)
    }

    @Test func theTightestOfTwoSourcesApplies() async {
        let harness = await Harness()
        await Self.charging(harness)
        await harness.send(Self.contact(6900))
        await harness.send(.externalLimit(source: .energyManager, watts: 2760))
        #expect(harness.board.connector(1)?.currentLimit == 4)
        await harness.send(.externalLimit(source: .energyManager, watts: nil))
        #expect(harness.board.connector(1)?.currentLimit == 10)
    }

    @Test func everyOperatorsCompositeScheduleShowsTheLimitWhileItLasts() async {
        let harness = await Harness()
        #expect(await harness.respond(Self.profile(id: 1, amperes: 16), from: "billing")?.status == .accepted)
        await Self.charging(harness)
        await harness.send(Self.contact(4200))
        let request = GetCompositeScheduleRequest(connectorId: 1, duration: 3600, chargingRateUnit: .watts)
        for name in ["billing", "energy"] {
            let answer = await harness.respond(request, from: name)
            #expect(answer?.status == .accepted)
            let periods = answer?.chargingSchedule?.chargingSchedulePeriod ?? []
            #expect(periods.map(\.startPeriod) == [0], "\(name)")
            #expect(periods.first?.limit == 4200, "\(name)")
            #expect(answer?.chargingSchedule?.duration == 3600)
        }
        // The charger as a whole is capped too, as by a ChargePointMaxProfile.
        let whole = await harness.respond(GetCompositeScheduleRequest(connectorId: 0, duration: 60, chargingRateUnit: .watts))
        #expect(whole?.chargingSchedule?.chargingSchedulePeriod.first?.limit == 4200)
        await harness.send(Self.contact(nil))
        let billing = await harness.respond(request, from: "billing")
        #expect(billing?.chargingSchedule?.chargingSchedulePeriod.first?.limit == 11_040)
        let energy = await harness.respond(request, from: "energy")
        #expect(energy?.chargingSchedule?.chargingSchedulePeriod.first?.limit == 22_080)
    }
}
