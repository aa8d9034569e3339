import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    /// Every operator keeps its own profiles; the lowest limit applies.
    @Suite struct OperatorLimits {
        let noon = at("2026-03-02T12:00:00Z")
        let context = SmartChargingTests.context()

        func operatorStore(_ profiles: ChargingProfile...) throws -> ChargingProfileStore {
            try storeWith(profiles.map { (1, $0) }, context: context)
        }

        @Test func lowestLimitOfAllOperatorsApplies() throws {
            let billing = try operatorStore(profile(id: 1, periods: flat(16)))
            let energyManager = try operatorStore(profile(id: 1, periods: flat(10)))
            let monitoring = ChargingProfileStore()
            let limit = ChargingLimit.lowest(
                among: [billing, energyManager, monitoring], at: noon, connector: 1, context: context)
            #expect(limit == ChargingLimit(amperes: 10, phases: 3))
        }

        @Test func operatorWithoutLimitDoesNotConstrain() throws {
            let billing = try operatorStore(profile(id: 1, start: "2026-03-02T13:00:00Z", periods: flat(6)))
            let home = try operatorStore(profile(id: 7, periods: flat(20)))
            #expect(
                ChargingLimit.lowest(among: [billing, home], at: noon, connector: 1, context: context)?.amperes == 20)
            #expect(
                ChargingLimit.lowest(
                    among: [billing, ChargingProfileStore()], at: noon, connector: 1, context: context) == nil)
            #expect(
                ChargingLimit.lowest(among: [ChargingProfileStore](), at: noon, connector: 1, context: context) == nil)
        }

        @Test func zeroFromAnyOperatorSuspendsCharging() throws {
            let billing = try operatorStore(profile(id: 1, periods: flat(32)))
            let gridOperator = try operatorStore(profile(id: 1, stackLevel: 3, periods: flat(0)))
            let limit = try #require(
                ChargingLimit.lowest(among: [billing, gridOperator], at: noon, connector: 1, context: context))
            #expect(limit.amperes == 0)
            #expect(limit.suspendsCharging)
        }

        @Test func operatorsInDifferentUnits() throws {
            let power = try operatorStore(profile(id: 1, unit: .watts, periods: flat(6900)))
            let singlePhase = try operatorStore(profile(id: 1, periods: flat(12, phases: 1)))
            #expect(
                ChargingLimit.lowest(among: [power], at: noon, connector: 1, context: context)
                    == ChargingLimit(amperes: 10, phases: 3))
            #expect(
                ChargingLimit.lowest(among: [power, singlePhase], at: noon, connector: 1, context: context)
                    == ChargingLimit(amperes: 12, phases: 1))
        }

        @Test func oneOperatorsCapLimitsAnothersTransaction() throws {
            let running = SmartChargingTests.context(
                transactions: [1: ConnectorTransaction(transactionId: 501, start: at("2026-03-02T11:00:00Z"))])
            let billing = try storeWith([(1, profile(id: 1, purpose: .txProfile, periods: flat(24)))], context: running)
            let energyManager = try storeWith(
                [(0, profile(id: 9, purpose: .chargePointMaxProfile, periods: flat(13)))], context: running)
            #expect(
                ChargingLimit.lowest(among: [billing, energyManager], at: noon, connector: 1, context: running)?.amperes
                    == 13)
        }

        @Test func compositeAcrossOperators() throws {
            let billing = try operatorStore(profile(id: 1, periods: flat(16)))
            let energyManager = try operatorStore(
                profile(id: 4, start: "2026-03-02T11:00:00Z", duration: 3600, periods: flat(8)))
            #expect(
                steps([billing, energyManager], from: "2026-03-02T10:00:00Z", seconds: 3 * 3600, context: context) == [
                    Step(0, 16), Step(3600, 8), Step(7200, 16),
                ])
        }
    }
}
