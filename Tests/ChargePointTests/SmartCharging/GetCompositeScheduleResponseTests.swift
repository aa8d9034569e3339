import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    @Suite struct CompositeScheduleResponse {
        let now = at("2026-03-02T10:00:00.750Z")

        func response(
            _ request: GetCompositeScheduleRequest, _ store: ChargingProfileStore, context: SmartChargingContext
        ) -> GetCompositeScheduleResponse {
            store.compositeScheduleResponse(to: request, now: now, context: context)
        }

        @Test func rejectsUnknownConnectorAndNegativeDuration() {
            let context = context()
            let store = ChargingProfileStore()
            #expect(
                response(GetCompositeScheduleRequest(connectorId: 3, duration: 60), store, context: context)
                    == GetCompositeScheduleResponse(status: .rejected))
            #expect(
                response(GetCompositeScheduleRequest(connectorId: -1, duration: 60), store, context: context).status
                    == .rejected)
            #expect(
                response(GetCompositeScheduleRequest(connectorId: 1, duration: -1), store, context: context).status
                    == .rejected)
        }

        @Test func reportsFromTheWholeSecondInThePreferredUnit() throws {
            let context = context { $0.preferredUnit = .watts }
            let store = try storeWith(
                [(1, profile(id: 1, start: "2026-03-02T10:30:00Z", duration: 1800, periods: flat(10)))],
                context: context)
            let answer = response(GetCompositeScheduleRequest(connectorId: 1, duration: 7200), store, context: context)
            #expect(answer.status == .accepted)
            #expect(answer.connectorId == 1)
            #expect(answer.scheduleStart == at("2026-03-02T10:00:00Z"))
            #expect(
                answer.chargingSchedule
                    == ChargingSchedule(
                        duration: 7200, startSchedule: at("2026-03-02T10:00:00Z"), chargingRateUnit: .watts,
                        chargingSchedulePeriod: [
                            ChargingSchedulePeriod(startPeriod: 0, limit: 22_080, numberPhases: 3),
                            ChargingSchedulePeriod(startPeriod: 1800, limit: 6900, numberPhases: 3),
                            ChargingSchedulePeriod(startPeriod: 3600, limit: 22_080, numberPhases: 3),
                        ]))
        }

        @Test func requestedUnitWinsAndEqualNeighboursMerge() throws {
            let context = context()
            let store = try storeWith(
                [
                    (1, profile(id: 1, stackLevel: 0, periods: flat(16))),
                    (
                        1,
                        profile(
                            id: 2, stackLevel: 1, start: "2026-03-02T10:30:00Z", duration: 1800, unit: .watts,
                            periods: flat(11_040))
                    ),
                ], context: context)
            let answer = response(
                GetCompositeScheduleRequest(connectorId: 1, duration: 7200, chargingRateUnit: .amperes), store,
                context: context)
            #expect(
                answer.chargingSchedule?.chargingSchedulePeriod == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 16, numberPhases: 3)
                ])
        }

        @Test func connectorZeroReportsTheChargePointMaxProfile() throws {
            let context = context()
            let store = try storeWith(
                [
                    (
                        0,
                        profile(
                            id: 1, purpose: .chargePointMaxProfile, start: "2026-03-02T11:00:00Z", periods: flat(40))
                    ),
                    (0, profile(id: 2, periods: flat(6))),
                ], context: context)
            let answer = response(GetCompositeScheduleRequest(connectorId: 0, duration: 7200), store, context: context)
            #expect(answer.connectorId == 0)
            #expect(
                answer.chargingSchedule?.chargingSchedulePeriod == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 32, numberPhases: 3),
                    ChargingSchedulePeriod(startPeriod: 3600, limit: 40, numberPhases: 3),
                ])
        }

        @Test func overlongRequestsAreCut() {
            let answer = response(
                GetCompositeScheduleRequest(connectorId: 1, duration: 100_000_000), ChargingProfileStore(),
                context: context())
            #expect(answer.chargingSchedule?.duration == 31 * 86_400)
            #expect(
                answer.chargingSchedule?.chargingSchedulePeriod == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 32, numberPhases: 3)
                ])
        }
    }
}
