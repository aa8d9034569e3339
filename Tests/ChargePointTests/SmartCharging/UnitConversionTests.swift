import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    /// W = A × V × phases, both ways, and limits in different units together.
    @Suite struct UnitConversion {
        let noon = at("2026-03-02T12:00:00Z")

        func schedule(_ store: ChargingProfileStore, in unit: ChargingRateUnit, context: SmartChargingContext)
            -> [ChargingSchedulePeriod]
        {
            CompositeSchedule(connectorId: 1, start: noon, duration: 3600, stores: [store], context: context)
                .chargingSchedule(in: unit, configuration: context.configuration).chargingSchedulePeriod
        }

        @Test func wattsBecomeAmperesOnThreePhasesByDefault() throws {
            let context = context()
            let store = try storeWith([(1, profile(id: 1, unit: .watts, periods: flat(11_040)))], context: context)
            #expect(store.limit(at: noon, connector: 1, context: context) == ChargingLimit(amperes: 16, phases: 3))
            #expect(
                schedule(store, in: .amperes, context: context) == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 16, numberPhases: 3)
                ])
        }

        @Test func wattsOnOnePhase() throws {
            let context = context()
            let store = try storeWith(
                [(1, profile(id: 1, unit: .watts, periods: flat(7360, phases: 1)))], context: context)
            #expect(store.limit(at: noon, connector: 1, context: context) == ChargingLimit(amperes: 32, phases: 1))
        }

        @Test func amperesBecomeWatts() throws {
            let context = context()
            let store = try storeWith([(1, profile(id: 1, periods: flat(16, phases: 1)))], context: context)
            #expect(
                schedule(store, in: .watts, context: context) == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 3680, numberPhases: 1)
                ])
            let threePhase = try storeWith([(1, profile(id: 1, periods: flat(16)))], context: context)
            #expect(
                schedule(threePhase, in: .watts, context: context) == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 11_040, numberPhases: 3)
                ])
        }

        @Test func voltageComesFromTheConfiguration() throws {
            let lowVoltage = context { $0.voltage = 120 }
            let store = try storeWith([(1, profile(id: 1, periods: flat(16, phases: 1)))], context: lowVoltage)
            #expect(schedule(store, in: .watts, context: lowVoltage)[0].limit == 1920)
        }

        @Test func powerCapOverAThreePhaseCurrentLimit() throws {
            let context = context()
            let store = try storeWith(
                [
                    (0, profile(id: 1, purpose: .chargePointMaxProfile, unit: .watts, periods: flat(11_000))),
                    (1, profile(id: 2, periods: flat(32))),
                ], context: context)
            let limit = try #require(store.limit(at: noon, connector: 1, context: context))
            #expect(limit.phases == 3)
            #expect(abs(limit.amperes - 11_000.0 / 690) < 1e-9)
            #expect(schedule(store, in: .amperes, context: context)[0].limit == 15.9)
            #expect(schedule(store, in: .watts, context: context)[0].limit == 11_000)
        }

        @Test func powerCapOverASinglePhaseCurrentLimitCountsOnePhase() throws {
            let context = context()
            let store = try storeWith(
                [
                    (0, profile(id: 1, purpose: .chargePointMaxProfile, unit: .watts, periods: flat(11_000))),
                    (1, profile(id: 2, periods: flat(32, phases: 1))),
                ], context: context)
            #expect(store.limit(at: noon, connector: 1, context: context) == ChargingLimit(amperes: 32, phases: 1))
            #expect(
                schedule(store, in: .watts, context: context) == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 7360, numberPhases: 1)
                ])
        }

        @Test func fewestPhasesWin() throws {
            let context = context()
            let store = try storeWith(
                [
                    (0, profile(id: 1, purpose: .chargePointMaxProfile, periods: flat(16, phases: 2))),
                    (1, profile(id: 2, periods: flat(20))),
                ], context: context)
            #expect(store.limit(at: noon, connector: 1, context: context) == ChargingLimit(amperes: 16, phases: 2))
        }
    }
}
