import OCPP16
import Testing

@testable import Configuration

/// `chargeplex config show`: every setting with the value in force, defaults marked, and no
/// secret in the text.
@Suite struct ConfigurationListingTests {
    static let password = "S3cr3t-AuthKey-2024!x"

    static func listing(_ text: String) throws -> String {
        let configuration = try AgentConfiguration.parse(text: text)
        return ConfigurationListing.text(of: configuration, file: "chargeplex.toml", version: "9.9.9")
    }

    @Test func defaultsAreFilledInAndMarked() throws {
        let text = try Self.listing(minimalConfiguration + "[ocpp]\nHeartbeatInterval = 120\n")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("id = \"CP-1\""))
        #expect(lines.contains("connectors = 2"))
        #expect(lines.contains("directory = \"/var/lib/chargeplex\"  # default"))
        #expect(lines.contains("firmware_version = \"9.9.9\"  # default: the agent's version"))
        #expect(lines.contains("free_vend = false  # default"))
        #expect(lines.contains("level = \"info\"  # default"))
        #expect(lines.contains("# installer: none, UpdateFirmware ends in DownloadFailed"))
        #expect(lines.contains("HeartbeatInterval = \"120\""))
    }

    @Test func eachOperatorShowsWhereItConnectsAndTheKeysItStartsWith() throws {
        let text = try Self.listing(minimalConfiguration
            + operatorBlock(name: "billing", url: "wss://cs.example/ocpp/{id}/", role: "billing", profile: 2,
                "password = \"\(Self.password)\"")
            + "[ocpp]\nMeterValueSampleInterval = 30\n")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("url = \"wss://cs.example/ocpp/{id}/\""))
        #expect(lines.contains("chargepoint_id = \"CP-1\"  # default: [chargepoint] id"))
        #expect(lines.contains("# connects to wss://cs.example/ocpp/CP-1/ (TLS and Basic authentication)"))
        #expect(lines.contains("password = \"<redacted>\""))
        #expect(lines.contains("#   MeterValueSampleInterval = 30 (file line 17; each operator has its own value)"))
        #expect(!text.contains("S3cr3t"))
    }

    @Test func secretsAreMaskedInEntriesTheFileCannotHold() {
        // A URL with credentials is refused when read; an entry made some other way is still masked.
        let entry = OperatorEntry(
            name: "home", url: "wss://cp:\(Self.password)@cs.example/ocpp", chargePointId: "CP-1", role: .home,
            securityProfile: 2, password: Self.password)
        let lines = ConfigurationListing.operatorLines(
            entry,
            keys: [
                .init(key: "AuthorizationKey", value: Self.password, origin: "set over OCPP"),
                .init(key: "HeartbeatInterval", value: "60", origin: "set over OCPP"),
            ])
        let text = lines.joined(separator: "\n")
        #expect(!text.contains("S3cr3t"), "\(text)")
        #expect(lines.contains("url = \"wss://cp:\(Secrets.redacted)@cs.example/ocpp\""))
        #expect(lines.contains("#   AuthorizationKey = \(Secrets.redacted) (set over OCPP; each operator has its own value)"))
        #expect(lines.contains("#   HeartbeatInterval = 60 (set over OCPP; each operator has its own value)"))
        // Nothing is known about where a pushed entry's values come from: none is marked default.
        #expect(!text.contains("# default"))
    }

    @Test func anAuthorizationKeyThatIsNotSetShowsEmpty() {
        #expect(ConfigurationListing.masked(key: "authorizationkey", "") == "")
        #expect(ConfigurationListing.masked(key: "AuthorizationKey", "x") == Secrets.redacted)
        #expect(ConfigurationListing.masked(key: "HeartbeatInterval", "300") == "300")
    }

    @Test func textIsQuotedAsTOML() {
        #expect(ConfigurationListing.quoted("a\"b\\c\u{1}") == #""a\"b\\c\u0001""#)
    }

    @Test func everyFileTheAgentOpensIsListedWithItsLine() throws {
        let configuration = try AgentConfiguration.parse(text: """
            [chargepoint]
            id = "CP-1"
            vendor = "Acme"
            model = "Wallbox"
            [board]
            kind = "gpio"
            pinmap = "/etc/chargeplex/board.toml"
            [firmware]
            installer = "/usr/lib/chargeplex/install"
            ca_file = "/etc/fw-ca.pem"

            """ + operatorBlock(name: "a", profile: 3, "client_certificate = \"/c.pem\"", "client_key = \"/k.pem\"", "ca_file = \"/ca.pem\"")
            + operatorBlock(name: "b", role: "billing", "ca_file = \"/off.pem\"").replacingOccurrences("enabled = true", "enabled = false"))
        let references = configuration.fileReferences
        #expect(references.map(\.keyPath) == [
            "board.pinmap", "firmware.installer", "firmware.ca_file", "operators[0].client_certificate",
            "operators[0].client_key", "operators[0].ca_file",
        ])
        #expect(references.map(\.line) == [7, 9, 10, 17, 18, 19])
        #expect(references[1].use == .execute)
        #expect(references[3].role == "client certificate of operator a")
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { $0 == target ? replacement : String($0) }.joined(separator: "\n")
    }
}
