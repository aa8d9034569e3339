import Board
import OCPP16
import Store
import Testing

@testable import ChargePoint

/// Charging profiles on disk: a row each, per operator, in installation order.
@Suite struct ChargingProfileStorageTests {
    @Test func profilesSurviveARestartPerOperator() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        let harness = await Harness(persistence: store)
        #expect(await harness.respond(ChargingLimitTests.profile(id: 1, limit: 16), from: "billing")?.status == .accepted)
        #expect(await harness.respond(ChargingLimitTests.profile(id: 2, limit: 6), from: "energy")?.status == .accepted)
        let before = await harness.chargePoint.profiles

        let restarted = await Harness(persistence: store)
        await restarted.chargePoint.loadState()
        #expect(await restarted.chargePoint.profiles == before)
        #expect(try ChargingProfileTable(database: store.database).all().mapValues { $0.map(\.profileId) } == ["billing": [1], "energy": [2]])
    }

    @Test func profilesOfTheEarlierLayoutAreReadAfterTheUpgrade() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        var profiles = ChargingProfileStore()
        let context = SmartChargingContext(configuration: SmartChargingConfiguration(connectorCount: 2))
        #expect(profiles.install(ChargingLimitTests.profile(id: 5, limit: 10), context: context) == .accepted)
        let upgraded = try AuthorizationStorageTests.upgraded(
            from: store, migrations: 4, namespace: "profiles", key: "billing", value: PayloadCoding.encodedBytes(profiles))
        let harness = await Harness(persistence: upgraded)
        await harness.chargePoint.loadState()
        #expect(await harness.chargePoint.profiles["billing"] == profiles)
        #expect(try upgraded.all(namespace: "profiles").isEmpty)
    }
}
