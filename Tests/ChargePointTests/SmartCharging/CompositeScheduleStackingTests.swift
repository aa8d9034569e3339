import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    /// Which profile wins: stack levels, purposes, connectors.
    @Suite struct Stacking {
        let transaction = ConnectorTransaction(transactionId: 77, start: at("2026-03-02T10:00:00Z"))

        @Test func higherStackLevelWinsAndFallsBackWhenItExpires() throws {
            let context = context()
            let store = try storeWith(
                [
                    (1, profile(id: 1, stackLevel: 0, start: "2026-03-02T10:00:00Z", periods: flat(32))),
                    (
                        1,
                        profile(id: 2, stackLevel: 1, start: "2026-03-02T10:00:00Z", duration: 3600, periods: flat(16))
                    ),
                ], context: context)
            #expect(
                steps([store], from: "2026-03-02T10:00:00Z", seconds: 7200, context: context) == [
                    Step(0, 16), Step(3600, 32),
                ])
            #expect(store.limit(at: at("2026-03-02T10:59:59Z"), connector: 1, context: context)?.amperes == 16)
            #expect(store.limit(at: at("2026-03-02T11:00:00Z"), connector: 1, context: context)?.amperes == 32)
        }

        @Test func higherStackLevelWinsEvenWhenItAllowsMore() throws {
            let context = context()
            let periods = [
                ChargingSchedulePeriod(startPeriod: 0, limit: 6), ChargingSchedulePeriod(startPeriod: 1800, limit: 24),
            ]
            let store = try storeWith(
                [
                    (1, profile(id: 1, stackLevel: 0, start: "2026-03-02T10:00:00Z", periods: flat(10))),
                    (1, profile(id: 2, stackLevel: 4, start: "2026-03-02T10:30:00Z", duration: 3600, periods: periods)),
                ], context: context)
            #expect(
                steps([store], from: "2026-03-02T10:00:00Z", seconds: 7200, context: context) == [
                    Step(0, 10), Step(1800, 6), Step(3600, 24), Step(5400, 10),
                ])
        }

        @Test func txProfileOverridesTxDefaultUntilTheTransactionEnds() throws {
            let context = context(transactions: [1: transaction])
            var store = try storeWith(
                [
                    (0, profile(id: 1, stackLevel: 5, periods: flat(32))),
                    (1, profile(id: 2, purpose: .txProfile, stackLevel: 0, periods: flat(10))),
                ], context: context)
            let noon = at("2026-03-02T12:00:00Z")
            #expect(store.limit(at: noon, connector: 1, context: context)?.amperes == 10)
            #expect(store.limit(at: noon, connector: 2, context: context)?.amperes == 32)
            store.transactionEnded(connector: 1)
            #expect(store.limit(at: noon, connector: 1, context: context)?.amperes == 32)
        }

        @Test func txProfileFallsBackToTxDefaultWhenItsScheduleEnds() throws {
            let context = context(transactions: [1: transaction])
            let store = try storeWith(
                [
                    (0, profile(id: 1, periods: flat(32))),
                    (1, profile(id: 2, purpose: .txProfile, kind: .relative, duration: 1800, periods: flat(10))),
                ], context: context)
            #expect(
                steps([store], from: "2026-03-02T10:00:00Z", seconds: 3600, context: context) == [
                    Step(0, 10), Step(1800, 32),
                ])
        }

        @Test func connectorDefaultBeatsChargerWideDefaultOnlyAtEqualOrHigherLevel() throws {
            let context = context(connectors: 3)
            let store = try storeWith(
                [
                    (0, profile(id: 1, stackLevel: 1, periods: flat(20))),
                    (1, profile(id: 2, stackLevel: 1, periods: flat(12))),
                    (2, profile(id: 3, stackLevel: 0, periods: flat(8))),
                ], context: context)
            let noon = at("2026-03-02T12:00:00Z")
            #expect(store.limit(at: noon, connector: 1, context: context)?.amperes == 12)
            #expect(store.limit(at: noon, connector: 2, context: context)?.amperes == 20)
            #expect(store.limit(at: noon, connector: 3, context: context)?.amperes == 20)
        }

        @Test func chargePointMaxProfileCapsEveryConnector() throws {
            let context = context()
            let store = try storeWith(
                [
                    (0, profile(id: 1, purpose: .chargePointMaxProfile, periods: flat(16))),
                    (1, profile(id: 2, periods: flat(32))),
                    (2, profile(id: 3, periods: flat(10))),
                ], context: context)
            let noon = at("2026-03-02T12:00:00Z")
            #expect(store.limit(at: noon, connector: 1, context: context)?.amperes == 16)
            #expect(store.limit(at: noon, connector: 2, context: context)?.amperes == 10)
        }

        @Test func chargePointMaxProfileAloneLimitsAConnectorWithoutDefaults() throws {
            let context = context()
            let store = try storeWith(
                [
                    (
                        0,
                        profile(
                            id: 1, purpose: .chargePointMaxProfile, start: "2026-03-02T11:00:00Z", periods: flat(16))
                    )
                ],
                context: context)
            #expect(
                steps([store], from: "2026-03-02T10:00:00Z", seconds: 7200, context: context) == [
                    Step(0, nil), Step(3600, 16),
                ])
        }

        @Test func connectorZeroIsTheChargePointMaxProfileOnly() throws {
            let context = context(transactions: [1: transaction])
            let store = try storeWith(
                [
                    (0, profile(id: 1, purpose: .chargePointMaxProfile, periods: flat(40))),
                    (0, profile(id: 2, periods: flat(10))),
                    (1, profile(id: 3, purpose: .txProfile, periods: flat(6))),
                ], context: context)
            #expect(store.limit(at: at("2026-03-02T12:00:00Z"), connector: 0, context: context)?.amperes == 40)
            let defaultsOnly = try storeWith([(0, profile(id: 2, periods: flat(10)))], context: context)
            #expect(defaultsOnly.limit(at: at("2026-03-02T12:00:00Z"), connector: 0, context: context) == nil)
        }

        @Test func noProfilesMeansNoLimit() {
            #expect(
                ChargingProfileStore().limit(at: at("2026-03-02T12:00:00Z"), connector: 1, context: context()) == nil)
        }
    }
}
