import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    /// Durations, period starts and limits an operator sends: endless ones
    /// apply without overflow, meaningless ones are rejected, and the charge
    /// goes on at the limit it had.
    @Suite struct HostileSchedules {
        @Test(arguments: [Int.max, Int(Int32.max) + 1, 1 << 31])
        func aCompositeScheduleOfAnyLengthIsCutToAMonth(_ duration: Int) async {
            let harness = await HostileNumbersTests.charging()
            let answer = await harness.respond(GetCompositeScheduleRequest(connectorId: 1, duration: duration))
            #expect(answer?.status == .accepted)
            #expect(answer?.chargingSchedule?.duration == CompositeSchedule.maximumDuration)
        }

        @Test func aCompositeScheduleOfNoTimeOrNegativeTime() async {
            let harness = await HostileNumbersTests.charging()
            let empty = await harness.respond(GetCompositeScheduleRequest(connectorId: 1, duration: 0))
            #expect(empty?.status == .accepted)
            #expect(empty?.chargingSchedule?.duration == 0)
            #expect(await harness.respond(GetCompositeScheduleRequest(connectorId: 1, duration: -1))?.status == .rejected)
            #expect(await harness.respond(GetCompositeScheduleRequest(connectorId: 1, duration: .min))?.status == .rejected)
        }

        @Test(arguments: [ChargingProfileKind.absolute, .relative, .recurring])
        func endlessDurationsAndFarPeriodStartsApplyWithoutOverflow(_ kind: ChargingProfileKind) async {
            var harness = await HostileNumbersTests.charging()
            let periods = [
                ChargingSchedulePeriod(startPeriod: 0, limit: 10),
                ChargingSchedulePeriod(startPeriod: Int(Int32.max) + 1, limit: 8),
                ChargingSchedulePeriod(startPeriod: .max, limit: 6),
            ]
            let profile = ChargingProfile(
                chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: .txDefaultProfile, chargingProfileKind: kind,
                recurrencyKind: kind == .recurring ? .daily : nil,
                chargingSchedule: ChargingSchedule(
                    duration: .max, startSchedule: kind == .relative ? nil : harness.now.adding(seconds: -60),
                    chargingRateUnit: .amperes, chargingSchedulePeriod: periods))
            #expect(await harness.respond(SetChargingProfileRequest(connectorId: 0, csChargingProfiles: profile))?.status == .accepted)
            await harness.advance(seconds: 1)
            #expect(await harness.chargePoint.snapshot().first?.limitAmperes == 10)
            let schedule = await harness.respond(GetCompositeScheduleRequest(connectorId: 1, duration: .max))
            #expect(schedule?.chargingSchedule?.chargingSchedulePeriod.first?.limit == 10)
            await harness.advance(seconds: 86_400)
            await HostileNumbersTests.expectChargeGoesOn(harness)
        }

        @Test func negativeDurationsAndPeriodStartsAreRejected() async {
            let harness = await HostileNumbersTests.charging()
            for duration in [-1, Int.min] {
                let profile = SmartChargingTests.profile(id: 1, duration: duration, periods: SmartChargingTests.flat(6))
                #expect(await harness.respond(SetChargingProfileRequest(connectorId: 1, csChargingProfiles: profile))?.status == .rejected)
            }
            let backwards = SmartChargingTests.profile(
                id: 2, periods: [ChargingSchedulePeriod(startPeriod: 0, limit: 16), ChargingSchedulePeriod(startPeriod: -1, limit: 6)])
            #expect(await harness.respond(SetChargingProfileRequest(connectorId: 1, csChargingProfiles: backwards))?.status == .rejected)
            #expect(await harness.chargePoint.snapshot().first?.limitAmperes == nil)
        }

        static let absurdLimits: [(ChargingRateUnit, ChargingRate)] = [
            (.amperes, ChargingRate(tenths: 10_000_000_000_000)),  // 10^12 A
            (.amperes, ChargingRate(tenths: 100_001)),  // 10 000.1 A
            (.amperes, ChargingRate(tenths: -1)),
            (.amperes, ChargingRate(tenths: .min)),
            (.watts, ChargingRate(tenths: 10_000_000_000_000)),  // 10^12 W
            (.watts, ChargingRate(tenths: 100_000_001)),  // 10 MW and a tenth
            (.amperes, ChargingRate(tenths: .max)),
        ]

        @Test(arguments: absurdLimits)
        func limitsBeyondAnyChargerAreRejected(_ unit: ChargingRateUnit, _ limit: ChargingRate) async {
            let harness = await HostileNumbersTests.charging()
            let profile = SmartChargingTests.profile(id: 1, unit: unit, periods: SmartChargingTests.flat(limit))
            #expect(await harness.respond(SetChargingProfileRequest(connectorId: 1, csChargingProfiles: profile))?.status == .rejected)
            var minimum = SmartChargingTests.profile(id: 2, unit: unit, periods: SmartChargingTests.flat(6))
            minimum.chargingSchedule.minChargingRate = limit
            #expect(await harness.respond(SetChargingProfileRequest(connectorId: 1, csChargingProfiles: minimum))?.status == .rejected)
            #expect(await harness.chargePoint.snapshot().first?.limitAmperes == nil)
            await HostileNumbersTests.expectChargeGoesOn(harness)
        }

        @Test func theLargestLimitsAreAcceptedAndTheHardwareBoundApplies() async {
            var harness = await HostileNumbersTests.charging()
            let amperes = SmartChargingTests.profile(id: 1, periods: SmartChargingTests.flat(10_000))
            #expect(await harness.respond(SetChargingProfileRequest(connectorId: 1, csChargingProfiles: amperes))?.status == .accepted)
            let watts = SmartChargingTests.profile(id: 2, stackLevel: 1, unit: .watts, periods: SmartChargingTests.flat(10_000_000))
            #expect(await harness.respond(SetChargingProfileRequest(connectorId: 0, csChargingProfiles: watts))?.status == .accepted)
            await harness.advance(seconds: 1)
            #expect(await harness.chargePoint.snapshot().first?.limitAmperes == 32)
        }

        @Test func aReportedLimitNeverOverflowsItsTenths() {
            #expect(CompositeSchedule.roundedDown(16.04).tenths == 160)
            #expect(CompositeSchedule.roundedDown(1e300).tenths == .max)
            #expect(CompositeSchedule.roundedDown(.infinity).tenths == .max)
            #expect(CompositeSchedule.roundedDown(-1e300).tenths == 0)
            #expect(CompositeSchedule.roundedDown(.nan).tenths == 0)
        }

        @Test func aRemoteStartWhoseProfileCouldNeverBeInstalledIsRejected() async {
            let harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")])
            await harness.plug(2)
            let absurd = SmartChargingTests.profile(id: 1, purpose: .txProfile, periods: SmartChargingTests.flat(ChargingRate(tenths: 10_000_000_000_000)))
            let refused = RemoteStartTransactionRequest(connectorId: 2, idTag: "X", chargingProfile: absurd)
            #expect(await harness.respond(refused)?.status == .rejected)
            #expect(harness.uplink.starts.isEmpty)

            let sane = SmartChargingTests.profile(id: 1, purpose: .txProfile, periods: SmartChargingTests.flat(12))
            #expect(await harness.respond(RemoteStartTransactionRequest(connectorId: 2, idTag: "X", chargingProfile: sane))?.status == .accepted)
            #expect(harness.uplink.starts.map(\.connectorId) == [2])
            #expect(await harness.chargePoint.snapshot().last?.limitAmperes == 12)
        }
    }
}
