import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    @Suite struct AllowedUnits {
        @Test func readsTheConfigurationKeyValues() {
            #expect(SmartChargingConfiguration.allowedUnits(fromConfigurationValue: "Current") == [.amperes])
            #expect(SmartChargingConfiguration.allowedUnits(fromConfigurationValue: "Power") == [.watts])
            #expect(
                SmartChargingConfiguration.allowedUnits(fromConfigurationValue: "Current,Power") == [.amperes, .watts])
            #expect(
                SmartChargingConfiguration.allowedUnits(fromConfigurationValue: "Power, Current") == [.amperes, .watts])
        }

        @Test func refusesUnknownOrEmptyValues() {
            #expect(SmartChargingConfiguration.allowedUnits(fromConfigurationValue: "") == nil)
            #expect(SmartChargingConfiguration.allowedUnits(fromConfigurationValue: "Current,Voltage") == nil)
            #expect(SmartChargingConfiguration.allowedUnits(fromConfigurationValue: "Current,") == nil)
        }
    }
}
