import OCPP16
import Store
import Testing

@testable import ChargePoint

/// Values set over OCPP outlive a restart: the shared ones and each operator's own.
@Suite struct ConfigurationPersistenceTests {
    @Test("an operator's own value and a shared one are in force again after a restart")
    func valuesOutliveARestart() throws {
        let store = try EnergyStorageTests.temporaryStore()
        var before = try ConfigurationStore(persistence: store, connectorCount: 2, initial: [("HeartbeatInterval", "60")])
        #expect(before.change(ChangeConfigurationRequest(key: "HeartbeatInterval", value: "77"), by: "billing") == .accepted)
        #expect(before.change(ChangeConfigurationRequest(key: "LightIntensity", value: "30"), by: "home") == .accepted)

        let after = try ConfigurationStore(persistence: store, connectorCount: 2, initial: [("HeartbeatInterval", "60")])
        #expect(after.integer("HeartbeatInterval", for: "billing") == 77)
        #expect(after.integer("HeartbeatInterval", for: "home") == 60)
        #expect(after.integer("LightIntensity", for: "billing") == 30)
    }

    @Test("operator names that share a prefix keep their own values")
    func namesWithACommonPrefix() throws {
        let store = try EnergyStorageTests.temporaryStore()
        var before = try ConfigurationStore(persistence: store, connectorCount: 1)
        #expect(before.change(ChangeConfigurationRequest(key: "HeartbeatInterval", value: "100"), by: "cs") == .accepted)
        #expect(before.change(ChangeConfigurationRequest(key: "HeartbeatInterval", value: "200"), by: "cs2") == .accepted)
        let after = try ConfigurationStore(persistence: store, connectorCount: 1)
        #expect(after.integer("HeartbeatInterval", for: "cs") == 100)
        #expect(after.integer("HeartbeatInterval", for: "cs2") == 200)
    }
}
