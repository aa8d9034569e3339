import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    /// When a profile applies: recurrence, relative starts, validity, durations.
    /// 2026-03-02 is a Monday.
    @Suite struct Timing {
        /// Evenings 10 A, nights (midnight to six) 32 A, mornings 10 A again,
        /// anchored at 20:00 on Sunday.
        let nightly = profile(
            id: 1, kind: .recurring, recurrency: .daily, start: "2026-03-01T20:00:00Z",
            periods: [
                ChargingSchedulePeriod(startPeriod: 0, limit: 10),
                ChargingSchedulePeriod(startPeriod: 4 * 3600, limit: 32),
                ChargingSchedulePeriod(startPeriod: 10 * 3600, limit: 10),
            ])

        @Test func dailyProfileCrossesMidnight() throws {
            let context = context()
            let store = try storeWith([(1, nightly)], context: context)
            #expect(
                steps([store], from: "2026-03-02T22:00:00Z", seconds: 12 * 3600, context: context) == [
                    Step(0, 10), Step(2 * 3600, 32), Step(8 * 3600, 10),
                ])
            #expect(store.limit(at: at("2026-03-04T03:00:00Z"), connector: 1, context: context)?.amperes == 32)
            #expect(store.limit(at: at("2026-03-04T19:59:59Z"), connector: 1, context: context)?.amperes == 10)
        }

        @Test func dailyProfileDoesNotReachBeforeItsAnchor() throws {
            let context = context()
            let store = try storeWith([(1, nightly)], context: context)
            #expect(store.limit(at: at("2026-03-01T19:00:00Z"), connector: 1, context: context) == nil)
            #expect(
                steps([store], from: "2026-03-01T18:00:00Z", seconds: 4 * 3600, context: context) == [
                    Step(0, nil), Step(2 * 3600, 10),
                ])
        }

        @Test func dailyProfileWithDurationLeavesTheRestOfTheDayFree() throws {
            let context = context()
            let store = try storeWith(
                [
                    (
                        1,
                        profile(
                            id: 1, kind: .recurring, recurrency: .daily, start: "2026-03-01T22:00:00Z",
                            duration: 8 * 3600, periods: flat(6))
                    )
                ],
                context: context)
            #expect(
                steps([store], from: "2026-03-02T20:00:00Z", seconds: 24 * 3600, context: context) == [
                    Step(0, nil), Step(2 * 3600, 6), Step(10 * 3600, nil),
                ])
        }

        @Test func weeklyProfileRepeatsOnTheSameWeekday() throws {
            let context = context()
            let store = try storeWith(
                [
                    (
                        1,
                        profile(
                            id: 1, kind: .recurring, recurrency: .weekly, start: "2026-03-02T08:00:00Z",
                            duration: 10 * 3600, periods: flat(20))
                    )
                ],
                context: context)
            #expect(store.limit(at: at("2026-03-09T09:00:00Z"), connector: 1, context: context)?.amperes == 20)
            #expect(store.limit(at: at("2026-03-09T18:00:00Z"), connector: 1, context: context) == nil)
            #expect(store.limit(at: at("2026-03-10T09:00:00Z"), connector: 1, context: context) == nil)
            #expect(store.limit(at: at("2026-03-16T07:59:59Z"), connector: 1, context: context) == nil)
            #expect(
                steps([store], from: "2026-03-08T00:00:00Z", seconds: 2 * 86_400, context: context) == [
                    Step(0, nil), Step(32 * 3600, 20), Step(42 * 3600, nil),
                ])
        }

        let ramp = [
            ChargingSchedulePeriod(startPeriod: 0, limit: 10), ChargingSchedulePeriod(startPeriod: 1800, limit: 20),
        ]

        @Test func relativeProfileStartsWithTheTransaction() throws {
            let started = context(transactions: [
                1: ConnectorTransaction(transactionId: 77, start: at("2026-03-02T10:00:00Z"))
            ])
            let store = try storeWith(
                [(1, profile(id: 1, kind: .relative, duration: 3600, periods: ramp))], context: started)
            #expect(
                steps([store], from: "2026-03-02T10:10:00Z", seconds: 3600, context: started) == [
                    Step(0, 10), Step(1200, 20), Step(3000, nil),
                ])
            #expect(store.limit(at: at("2026-03-02T10:45:00Z"), connector: 1, context: started)?.amperes == 20)
        }

        @Test func relativeProfileWithoutTransactionStartsNow() throws {
            let idle = context()
            let store = try storeWith([(1, profile(id: 1, kind: .relative, periods: ramp))], context: idle)
            #expect(
                steps([store], from: "2026-03-02T10:10:00Z", seconds: 3600, context: idle) == [
                    Step(0, 10), Step(1800, 20),
                ])
            #expect(store.limit(at: at("2026-03-02T10:45:00Z"), connector: 1, context: idle)?.amperes == 10)
        }

        @Test func changeAtAFractionOfASecondIsReportedFromTheNextSecond() throws {
            let started = context(
                transactions: [1: ConnectorTransaction(transactionId: 77, start: at("2026-03-02T10:00:00.400Z"))])
            let store = try storeWith([(1, profile(id: 1, kind: .relative, periods: ramp))], context: started)
            #expect(
                steps([store], from: "2026-03-02T10:10:00Z", seconds: 3600, context: started) == [
                    Step(0, 10), Step(1201, 20),
                ])
        }

        @Test func absoluteProfileWithoutStartScheduleFollowsTheTransaction() throws {
            let started = context(transactions: [
                1: ConnectorTransaction(transactionId: 77, start: at("2026-03-02T10:00:00Z"))
            ])
            let store = try storeWith([(1, profile(id: 1, periods: ramp))], context: started)
            #expect(
                steps([store], from: "2026-03-02T10:20:00Z", seconds: 3600, context: started) == [
                    Step(0, 10), Step(600, 20),
                ])
        }

        @Test func validFromAndValidToBoundTheProfile() throws {
            let context = context()
            let store = try storeWith(
                [
                    (1, profile(id: 1, stackLevel: 0, periods: flat(32))),
                    (
                        1,
                        profile(
                            id: 2, stackLevel: 1, validFrom: "2026-03-02T11:00:00Z", validTo: "2026-03-02T12:00:00Z",
                            periods: flat(16))
                    ),
                ], context: context)
            #expect(
                steps([store], from: "2026-03-02T10:00:00Z", seconds: 3 * 3600, context: context) == [
                    Step(0, 32), Step(3600, 16), Step(7200, 32),
                ])
            #expect(store.limit(at: at("2026-03-02T11:59:59.999Z"), connector: 1, context: context)?.amperes == 16)
            #expect(store.limit(at: at("2026-03-02T12:00:00Z"), connector: 1, context: context)?.amperes == 32)
        }

        @Test func validityCutsARecurringProfile() throws {
            var bounded = nightly
            bounded.validTo = at("2026-03-03T02:00:00Z")
            let context = context()
            let store = try storeWith([(1, bounded)], context: context)
            #expect(
                steps([store], from: "2026-03-02T22:00:00Z", seconds: 12 * 3600, context: context) == [
                    Step(0, 10), Step(2 * 3600, 32), Step(4 * 3600, nil),
                ])
        }

        @Test func durationCutsTheLastPeriod() throws {
            let context = context()
            let store = try storeWith(
                [(1, profile(id: 1, start: "2026-03-02T10:00:00Z", duration: 1800, periods: ramp))], context: context)
            #expect(
                steps([store], from: "2026-03-02T09:30:00Z", seconds: 7200, context: context) == [
                    Step(0, nil), Step(1800, 10), Step(3600, nil),
                ])
        }

        @Test func windowEndingBeforeAChangeDoesNotShowIt() throws {
            let context = context()
            let store = try storeWith(
                [(1, profile(id: 1, start: "2026-03-02T10:00:00Z", periods: ramp))], context: context)
            #expect(steps([store], from: "2026-03-02T10:00:00Z", seconds: 1800, context: context) == [Step(0, 10)])
        }
    }
}
