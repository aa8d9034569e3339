import OCPPKeys
import Testing

@testable import Configuration

/// The problems an `[ocpp]` section raises; its first key is on line 10.
private func ocppProblems(_ lines: String...) throws -> [String] {
    let error = try #require(configurationError(minimalConfiguration + "[ocpp]\n" + lines.joined(separator: "\n")))
    return error.issues.map(\.description)
}

/// The settings an `[ocpp]` section loads as, `key=value`.
private func ocppSettings(_ lines: String...) throws -> [String] {
    let configuration = try AgentConfiguration.parse(text: minimalConfiguration + "[ocpp]\n" + lines.joined(separator: "\n"))
    return configuration.ocppSettings.map { "\($0.key)=\($0.value)" }
}

/// Lines out of their key's range and the problem each raises. A typed constant:
/// written inline in `@Test(arguments:)`, the concatenations below take the
/// type checker too long with Swift 6.2.
private let outOfRangeCases: [(String, String)] = [
    ("HeartbeatInterval = 100000", "ocpp.HeartbeatInterval: must be from 0 to 86400 (found 100000)"),
    ("HeartbeatInterval = \"-1\"", "ocpp.HeartbeatInterval: must be from 0 to 86400 (found -1)"),
    ("ConnectionTimeOut = 0", "ocpp.ConnectionTimeOut: must be from 1 to 3600 (found 0)"),
    ("MeterValuesSampledData = \"Energy.Active.Import.Registr\"",
     "ocpp.MeterValuesSampledData: unknown value \"Energy.Active.Import.Registr\" (did you mean Energy.Active.Import.Register?); "
        + "known values: Current.Import, Current.Offered, Energy.Active.Import.Interval, Energy.Active.Import.Register, "
        + "Frequency, Power.Active.Import, Power.Offered, Voltage"),
    ("StopTxnSampledData = [\"Voltage\", \"Temperature\"]", "ocpp.StopTxnSampledData: unknown value \"Temperature\"; known values: "),
    ("MeterValuesAlignedData = \"Voltage, ,Current.Import\"", "ocpp.MeterValuesAlignedData: a value in the list is blank"),
    ("MeterValuesAlignedData = \"" + Array(repeating: "Voltage", count: 9).joined(separator: ",") + "\"",
     "ocpp.MeterValuesAlignedData: at most 8 values (this one has 9)"),
]

@Suite("[ocpp]: keys and values checked against the charge point's key table")
struct OCPPSettingsTests {
    @Test("a misspelt key is refused with its line and the key it resembles")
    func misspeltKey() throws {
        #expect(try ocppProblems(
            "MeterValueSampleIntervall = \"1\"",
            "heartbeatintervl = 30",
            "HeartbaetInterval = 30",
            "FavouriteColour = \"red\"",
        ) == [
            "chargeplex.toml:10: ocpp.MeterValueSampleIntervall: unknown key (did you mean MeterValueSampleInterval?)",
            "chargeplex.toml:11: ocpp.heartbeatintervl: unknown key (did you mean HeartbeatInterval?)",
            "chargeplex.toml:12: ocpp.HeartbaetInterval: unknown key (did you mean HeartbeatInterval?)",
            "chargeplex.toml:13: ocpp.FavouriteColour: unknown key",
        ])
    }

    @Test("a section of thousands of unknown keys reports every one")
    func thousandsOfUnknownKeys() throws {
        let lines = (0..<5000).map { "HeartbeatIntervalX\($0) = 1" }
        let error = try #require(configurationError(minimalConfiguration + "[ocpp]\n" + lines.joined(separator: "\n")))
        #expect(error.issues.count == 5000)
        #expect(error.issues.first?.reason == "unknown key (did you mean HeartbeatInterval?)")
        #expect(error.issues.last?.keyPath == "ocpp.HeartbeatIntervalX4999")
    }

    @Test("key names ignore case, as in OCPP, and are kept as OCPP spells them; one key set twice is refused")
    func keyCase() throws {
        #expect(try ocppSettings("heartbeatinterval = 120", "LOCALPREAUTHORIZE = true")
            == ["HeartbeatInterval=120", "LocalPreAuthorize=true"])
        #expect(try ocppProblems("HeartbeatInterval = 120", "heartbeatInterval = 60") == [
            "chargeplex.toml:11: ocpp.heartbeatInterval: HeartbeatInterval is already set on line 10 (OCPP key names ignore case)",
        ])
    }

    @Test("a value of the wrong type is refused, quoting what was found", arguments: [
        ("HeartbeatInterval = \"abc\"", "ocpp.HeartbeatInterval: expected an integer, found \"abc\""),
        ("HeartbeatInterval = \"5 minutes\"", "ocpp.HeartbeatInterval: expected an integer, found \"5 minutes\""),
        ("HeartbeatInterval = true", "ocpp.HeartbeatInterval: expected an integer, found a boolean"),
        ("HeartbeatInterval = 30.5", "ocpp.HeartbeatInterval: expected an integer, found a float"),
        ("HeartbeatInterval = [1]", "ocpp.HeartbeatInterval: expected an integer, found an array"),
        ("LocalPreAuthorize = \"yes\"", "ocpp.LocalPreAuthorize: expected true or false, found \"yes\""),
        ("LocalPreAuthorize = 1", "ocpp.LocalPreAuthorize: expected true or false, found an integer"),
        ("MeterValuesSampledData = 3", "ocpp.MeterValuesSampledData: expected a comma-separated string or an array of strings, found an integer"),
        ("MeterValuesSampledData = [\"Voltage\", 3]", "ocpp.MeterValuesSampledData[1]: expected a string, found an integer"),
        ("ConnectorPhaseRotation = \"0.RST\\u0007\"", "ocpp.ConnectorPhaseRotation: must not contain control characters"),
    ])
    func wrongType(line: String, problem: String) throws {
        #expect(try ocppProblems(line) == ["chargeplex.toml:10: " + problem])
    }

    @Test("a value out of the key's range is refused", arguments: outOfRangeCases)
    func outOfRange(line: String, problem: String) throws {
        let problems = try ocppProblems(line)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("chargeplex.toml:10: " + problem) == true, "\(problems)")
    }

    @Test("keys the charge point reports itself cannot be set, nor the operators' passwords")
    func notSettable() throws {
        #expect(try ocppProblems(
            "NumberOfConnectors = 4",
            "GetConfigurationMaxKeys = \"64\"",
            "SecurityProfile = 2",
            "AuthorizationKey = \"0123456789abcdef\"",
        ) == [
            "chargeplex.toml:10: ocpp.NumberOfConnectors: read-only; the charge point reports [board] connectors",
            "chargeplex.toml:11: ocpp.GetConfigurationMaxKeys: read-only; the charge point reports its own value, which cannot be set",
            "chargeplex.toml:12: ocpp.SecurityProfile: set security_profile in each [[operators]] section instead",
            "chargeplex.toml:13: ocpp.AuthorizationKey: set the password of each operator in its [[operators]] section instead",
        ])
    }

    @Test("values are accepted in the TOML type that reads naturally, or as the text OCPP carries")
    func naturalTypes() throws {
        #expect(try ocppSettings(
            "HeartbeatInterval = 300",
            "MeterValueSampleInterval = \"60\"",
            "ClockAlignedDataInterval = \" 900 \"",
            "LocalPreAuthorize = true",
            "LocalAuthorizeOffline = \"FALSE\"",
            "MeterValuesSampledData = \"Energy.Active.Import.Register, Power.Active.Import\"",
            "MeterValuesAlignedData = [\"Voltage\", \"Current.Import\"]",
            "StopTxnSampledData = []",
            "StopTxnAlignedData = \"\"",
        ) == [
            "HeartbeatInterval=300",
            "MeterValueSampleInterval=60",
            "ClockAlignedDataInterval=900",
            "LocalPreAuthorize=true",
            "LocalAuthorizeOffline=false",
            "MeterValuesSampledData=Energy.Active.Import.Register,Power.Active.Import",
            "MeterValuesAlignedData=Voltage,Current.Import",
            "StopTxnSampledData=",
            "StopTxnAlignedData=",
        ])
    }

    @Test("every key an operator may change can be given its default in the file")
    func defaultsRestated() throws {
        let settable = StandardKeys.all.filter { !$0.readonly && !["AuthorizationKey", "SecurityProfile"].contains($0.name) }
        let configuration = try AgentConfiguration.parse(text: minimalConfiguration + "[ocpp]\n"
            + settable.map { "\($0.name) = \"\($0.defaultValue)\"" }.joined(separator: "\n"))
        #expect(configuration.ocppSettings.map(\.key) == settable.map(\.name))
        for setting in configuration.ocppSettings {
            #expect(StandardKeys.key(named: setting.key)?.kind.validate(setting.value) == true, "\(setting)")
        }
    }

    @Test("every problem of the section is reported at once")
    func allProblemsTogether() throws {
        let problems = try ocppProblems(
            "HeartbeatInterval = \"abc\"",
            "MeterValueSampleIntervall = 10",
            "WebSocketPingInterval = 30",
            "BlinkRepeat = 1000",
        )
        #expect(problems.map { $0.prefix(while: { $0 != " " }) } == [
            "chargeplex.toml:10:", "chargeplex.toml:11:", "chargeplex.toml:13:",
        ])
    }
}
