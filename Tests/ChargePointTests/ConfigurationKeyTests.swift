import OCPP16
import OCPPKeys
import Testing

@testable import ChargePoint

@Suite struct ConfigurationKeyTests {
    @Test func changeConfigurationValidatesAndPersistsNothingWrong() async {
        let harness = await Harness()
        #expect(await harness.respond(ChangeConfigurationRequest(key: "HeartbeatInterval", value: "120"))?.status == .accepted)
        #expect(await harness.respond(ChangeConfigurationRequest(key: "HeartbeatInterval", value: "soon"))?.status == .rejected)
        #expect(await harness.respond(ChangeConfigurationRequest(key: "NumberOfConnectors", value: "4"))?.status == .rejected)
        #expect(await harness.respond(ChangeConfigurationRequest(key: "NoSuchKey", value: "1"))?.status == .notSupported)
        #expect(await harness.respond(ChangeConfigurationRequest(key: "MeterValuesSampledData", value: "Voltage,Bogus"))?.status == .rejected)
    }

    @Test func getConfigurationReportsKnownAndUnknownKeys() async {
        let harness = await Harness()
        let answer = await harness.respond(GetConfigurationRequest(key: ["NumberOfConnectors", "Nope", "AuthorizationKey"]))
        #expect(answer?.configurationKey?.map(\.key.value) == ["NumberOfConnectors", "AuthorizationKey"])
        #expect(answer?.configurationKey?.first?.value == "2")
        #expect(answer?.configurationKey?.first?.readonly == true)
        #expect(answer?.configurationKey?.last?.value == nil)
        #expect(answer?.unknownKey == ["Nope"])
        let all = await harness.respond(GetConfigurationRequest())
        #expect((all?.configurationKey?.count ?? 0) == StandardKeys.all.count)
    }

    @Test func perOperatorKeysAreKeptApart() async {
        let harness = await Harness()
        #expect(await harness.respond(ChangeConfigurationRequest(key: "MeterValueSampleInterval", value: "10"), from: "energy")?.status == .accepted)
        let theirs = await harness.respond(GetConfigurationRequest(key: ["MeterValueSampleInterval"]), from: "energy")
        let ours = await harness.respond(GetConfigurationRequest(key: ["MeterValueSampleInterval"]), from: "home")
        #expect(theirs?.configurationKey?.first?.value == "10")
        #expect(ours?.configurationKey?.first?.value == "60")
    }
}
