import OCPP16
import OCPPKeys

/// The configuration as `chargeplex config show` prints it: every setting with the value in
/// force, the ones the file leaves out marked `# default`, and per operator what its
/// connection uses and the OCPP keys it starts with. Written in the file's own TOML terms so
/// that a line can be copied back into the file; passwords, AuthorizationKeys and URL
/// credentials never appear.
public enum ConfigurationListing {
    /// One OCPP key's value for one operator, and where it comes from.
    public struct KeyValue: Sendable, Equatable {
        public var key: String
        public var value: String
        /// Where the value comes from: `file line 12`, `set over OCPP`, `default`.
        public var origin: String

        public init(key: String, value: String, origin: String) {
            self.key = key
            self.value = value
            self.origin = origin
        }
    }

    /// The whole configuration read from `file`; `version` is the agent's, the default
    /// firmware version.
    public static func text(of configuration: AgentConfiguration, file: String, version: String) -> String {
        var lines = [
            "# \(file) as the agent reads it: every setting with its value in force,",
            "# \"# default\" where the file leaves it out. Secrets are masked.",
        ]
        let listing = Lines(keyLines: configuration.keyLines)
        lines += listing.section("chargepoint", [
            ("id", quoted(configuration.chargePoint.id), nil),
            ("vendor", quoted(configuration.chargePoint.vendor), nil),
            ("model", quoted(configuration.chargePoint.model), nil),
            ("serial", configuration.chargePoint.serialNumber.map(quoted), "none, BootNotification carries no serial number"),
            ("firmware_version", quoted(configuration.chargePoint.firmwareVersion ?? version), "the agent's version"),
        ])
        lines += listing.section("board", [
            ("kind", quoted(configuration.board.kind.rawValue), nil),
            ("pinmap", configuration.board.pinMap.map(quoted), "none"),
            ("connectors", "\(configuration.board.connectors)", nil),
        ])
        lines += listing.section("state", [("directory", quoted(configuration.stateDirectory), nil)])
        let authorization = configuration.authorization
        lines += listing.section("authorization", [
            ("free_vend", "\(authorization.freeVend)", nil),
            ("free_vend_idtag", quoted(authorization.freeVendIdTag), nil),
            ("local_list", localList(authorization.localList), "empty"),
        ])
        lines += listing.section("firmware", [
            ("installer", configuration.firmware.installer.map(quoted), "none, UpdateFirmware ends in DownloadFailed"),
            ("ca_file", configuration.firmware.caFile.map(quoted), "the system's certificate store"),
        ])
        lines += listing.section("log", [("level", quoted(configuration.logLevel.rawValue), nil)])
        lines += ["", "[ocpp]"]
        if configuration.ocppSettings.isEmpty { lines.append("# none set: every key starts at its default") }
        for setting in configuration.ocppSettings {
            lines.append("\(setting.key) = \(quoted(setting.value))")
        }
        for (index, entry) in configuration.operators.enumerated() {
            lines.append("")
            lines += operatorLines(
                entry, keyLines: configuration.keyLines, index: index, defaultChargePointId: configuration.chargePoint.id,
                keys: fileKeys(configuration.ocppSettings))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One `[[operators]]` block: the entry's fields (defaults marked where `keyLines` tells
    /// which the file sets; a pushed entry has none to tell), where it connects, and `keys`:
    /// the OCPP keys it starts with or holds.
    public static func operatorLines(
        _ entry: OperatorEntry, keyLines: [String: Int]? = nil, index: Int = 0, defaultChargePointId: String? = nil,
        keys: [KeyValue]
    ) -> [String] {
        let listing = Lines(keyLines: keyLines, under: "operators[\(index)]")
        let profiles = [
            0: "no authentication", 1: "Basic authentication over ws://", 2: "TLS and Basic authentication",
            3: "TLS with a client certificate",
        ]
        var lines = ["[[operators]]"]
        lines += listing.keys([
            ("name", quoted(entry.name), nil),
            ("url", quoted(Secrets.maskingURLCredentials(in: entry.url)), nil),
            ("role", quoted(entry.role.rawValue), nil),
            ("chargepoint_id", quoted(entry.chargePointId), defaultChargePointId.map { _ in "[chargepoint] id" }),
            ("security_profile", "\(entry.securityProfile)", nil),
            ("password", entry.password.map { _ in quoted(Secrets.redacted) }, "none"),
            ("client_certificate", entry.clientCertificate.map(quoted), "none"),
            ("client_key", entry.clientKey.map(quoted), "none"),
            ("ca_file", entry.caFile.map(quoted), "the system's certificate store"),
            ("allow_insecure", "\(entry.allowInsecure)", nil),
            ("enabled", "\(entry.enabled)", nil),
        ])
        lines.append("# connects to \(Secrets.maskingURLCredentials(in: entry.connectionURL))"
            + " (\(profiles[entry.securityProfile] ?? "security profile \(entry.securityProfile)"))")
        if keys.isEmpty {
            lines.append("# OCPP keys: all at their defaults")
        } else {
            lines.append("# OCPP keys as \(entry.name) sees them:")
            for key in keys {
                lines.append("#   \(key.key) = \(masked(key: key.key, key.value)) (\(key.origin)\(scopeNote(key.key)))")
            }
        }
        return lines
    }

    /// The keys `[ocpp]` sets, each with its line, as every operator starts with them.
    public static func fileKeys(_ settings: [AgentConfiguration.OCPPSetting]) -> [KeyValue] {
        settings.map { KeyValue(key: $0.key, value: $0.value, origin: "file line \($0.line)") }
    }

    /// An OCPP key's value, or `<redacted>` for a secret one that is set.
    public static func masked(key: String, _ value: String) -> String {
        guard StandardKeys.secret.contains(key.lowercased()) else { return Secrets.maskingURLCredentials(in: value) }
        return value.isEmpty ? "" : Secrets.redacted
    }

    private static func scopeNote(_ key: String) -> String {
        switch StandardKeys.key(named: key)?.scope {
        case .perOperator?: "; each operator has its own value"
        case .authorization?: "; shared, only the authority may change it"
        case .shared?: "; shared by all operators"
        case nil: ""
        }
    }

    private static func localList(_ entries: [AgentConfiguration.LocalListEntry]) -> String? {
        guard !entries.isEmpty else { return nil }
        let items = entries.map { entry in
            var fields = ["idtag = \(quoted(entry.idTag))", "status = \(quoted(entry.status.rawValue))"]
            if let expiry = entry.expiryDate { fields.append("expiry = \(quoted(expiry))") }
            if let parent = entry.parentIdTag { fields.append("parent = \(quoted(parent))") }
            return "    { " + fields.joined(separator: ", ") + " },"
        }
        return "[\n" + items.joined(separator: "\n") + "\n]"
    }

    /// A TOML basic string.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Writes `key = value` lines, marking the keys the file does not set.
    private struct Lines {
        /// nil: nothing is known about the file (a pushed entry), so nothing is marked.
        let keyLines: [String: Int]?
        var under = ""

        /// `[name]` and its keys.
        func section(_ name: String, _ keys: [(String, String?, String?)]) -> [String] {
            ["", "[\(name)]"] + Lines(keyLines: keyLines, under: name).keys(keys)
        }

        /// Each key as `key = value`; one the file leaves out gets `# default`, with what the
        /// default means when there is no value to show (then the line is a comment).
        func keys(_ keys: [(String, String?, String?)]) -> [String] {
            keys.map { key, value, meaning in
                let isSet = keyLines.map { $0[TOMLTree.path([key], under: under)] != nil } ?? true
                guard let value else { return "# \(key): " + (meaning ?? "not set") }
                guard !isSet else { return "\(key) = \(value)" }
                return "\(key) = \(value)  # default" + (meaning.map { ": \($0)" } ?? "")
            }
        }
    }
}

extension OperatorEntry {
    /// The URL the charge point connects to: `url` with the charge point id where it says
    /// `{id}`, or appended as the last path segment (the connection's own rule; the id is
    /// restricted to characters that need no encoding).
    public var connectionURL: String {
        let pieces = url.split(separator: OperatorURL.idPlaceholder, maxSplits: 1, omittingEmptySubsequences: false)
        if pieces.count == 2 { return String(pieces[0]) + chargePointId + pieces[1] }
        var base = Substring(url)
        while base.hasSuffix("/") { base.removeLast() }
        return String(base) + "/" + chargePointId
    }
}
