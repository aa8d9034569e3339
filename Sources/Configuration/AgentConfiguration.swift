/// Everything the agent reads from its configuration file (`chargeplex.toml`), checked.
///
/// A configuration that loads is complete and consistent: every problem in the file is
/// reported, with its line and key, before the agent starts. `description` never shows a
/// password, so a loaded configuration may be printed or logged as a whole.
public struct AgentConfiguration: Sendable, Equatable {
    /// `[chargepoint]`: who the charge point is (BootNotification and the connection URL).
    public struct ChargePointSettings: Sendable, Equatable {
        /// The charge point identity, the last segment of every connection URL.
        public var id: String
        /// chargePointVendor, CiString20.
        public var vendor: String
        /// chargePointModel, CiString20.
        public var model: String
        /// chargePointSerialNumber, CiString25.
        public var serialNumber: String?
        /// firmwareVersion, CiString50.
        public var firmwareVersion: String?
    }

    /// `[board]`: the hardware the agent drives.
    public struct BoardSettings: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            /// A simulated board, for benches and demonstrations.
            case sim
            /// The charger's GPIO lines through libgpiod, wired as the pin map says.
            case gpio
        }

        public var kind: Kind
        /// The pin map file (`board/*.toml`); always set for `gpio`. For `sim`
        /// it is optional and only its `[meter.N]` and `[limit]` sections are used.
        public var pinMap: String?
        /// How many connectors the charge point has, 1 to 8.
        public var connectors: Int
    }

    /// `[firmware]`: how UpdateFirmware is carried out. Without an installer
    /// the charger cannot update itself and says DownloadFailed.
    public struct FirmwareSettings: Sendable, Equatable {
        /// Who starts the installer.
        public enum Runner: String, Sendable, CaseIterable {
            /// The agent itself, as a child process (a bench, the demo, the tests).
            case agent
            /// `chargeplex-firmware.service`, as root and outside the agent's sandbox, asked
            /// through a request file in the state directory (the packaged service).
            case unit
        }

        /// The OEM's program that installs a downloaded file, given its path
        /// as the only argument; exit status 0 means installed.
        public var installer: String?
        /// Certificates trusted for https:// downloads; the system store when nil.
        public var caFile: String?
        /// `run_by`; `agent` unless the file says otherwise.
        public var runBy: Runner
        /// The line of `run_by`, or of `[firmware]` when it is not written; nil without
        /// the section.
        public var runByLine: Int?

        public init(installer: String? = nil, caFile: String? = nil, runBy: Runner = .agent, runByLine: Int? = nil) {
            self.installer = installer
            self.caFile = caFile
            self.runBy = runBy
            self.runByLine = runByLine
        }
    }

    /// `[authorization]`: how drivers are let in when no authority answers.
    public struct AuthorizationSettings: Sendable, Equatable {
        /// Every plug-in starts a transaction without asking anyone.
        public var freeVend: Bool
        /// The idTag such transactions are started with.
        public var freeVendIdTag: String
        /// The technician's local list, used when no operator is the authority.
        public var localList: [LocalListEntry]
    }

    /// One idTag of the local list (OCPP AuthorizationData with its IdTagInfo).
    public struct LocalListEntry: Sendable, Equatable {
        public enum Status: String, Sendable, CaseIterable {
            case accepted = "Accepted"
            case blocked = "Blocked"
            case expired = "Expired"
            case invalid = "Invalid"
        }

        public var idTag: String
        public var status: Status
        /// RFC 3339 with an offset, normalised to upper-case `T` and `Z`.
        public var expiryDate: String?
        public var parentIdTag: String?
    }

    /// One initial value of an OCPP configuration key, from `[ocpp]`, checked against the
    /// charge point's key table (OCPPKeys).
    public struct OCPPSetting: Sendable, Equatable {
        /// The key's name as OCPP spells it, whatever its case in the file.
        public var key: String
        /// The value as OCPP carries it: `300`, `true`, `Voltage,Current.Import`.
        public var value: String
        /// Where it was set, so that a key the charge point refuses can be traced to the file.
        public var line: Int
    }

    /// `[log]` level, named as in swift-log.
    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    public var chargePoint: ChargePointSettings
    public var board: BoardSettings
    /// `[state] directory`: where the durable state (SQLite) and the control socket live;
    /// an absolute path.
    public var stateDirectory: String
    /// The line of `[state] directory`, for problems that only the machine shows (a directory
    /// the agent cannot write); nil when the default applies.
    public var stateDirectoryLine: Int?
    public var authorization: AuthorizationSettings
    /// `[[operators]]`, in file order; they satisfy `OperatorEntry.validateList`.
    public var operators: [OperatorEntry]
    /// `[ocpp]`, in file order.
    public var ocppSettings: [OCPPSetting]
    public var firmware: FirmwareSettings
    public var logLevel: LogLevel
    /// The line of every key the file sets, by key path as problems name it (`board.pinmap`,
    /// `operators[1].ca_file`, `ocpp.HeartbeatInterval` as spelt in the file). A key path
    /// that is missing took its default.
    public var keyLines: [String: Int]

    public static let defaultStateDirectory = "/var/lib/chargeplex"
    /// The agent's control socket, in the state directory.
    public static let controlSocketName = "control.sock"
    /// The longest path a Unix socket address holds (`sun_path` less its final zero byte).
    static let maximumSocketPathLength = 107
    public static let defaultFreeVendIdTag = "FREEVEND"

    /// Reads and checks the file at `path`; errors name the file as `path` spells it.
    public static func load(path: String) throws(ConfigurationError) -> AgentConfiguration {
        let bytes = try ConfigurationFile.contents(of: path, limit: TOMLReader.maximumInputSize)
        return try parse(bytes: bytes, fileName: path)
    }

    /// Reads and checks a configuration held in a string; errors name it `fileName`.
    public static func parse(text: String, fileName: String = "chargeplex.toml") throws(ConfigurationError) -> AgentConfiguration {
        try AgentConfiguration(TOMLReader.parse(text, fileName: fileName), fileName: fileName)
    }

    /// Reads and checks a configuration from raw bytes, which must be UTF-8.
    public static func parse(bytes: [UInt8], fileName: String = "chargeplex.toml") throws(ConfigurationError) -> AgentConfiguration {
        try AgentConfiguration(TOMLReader.parse(bytes: bytes, fileName: fileName), fileName: fileName)
    }
}

extension AgentConfiguration: CustomStringConvertible {
    /// A summary for `chargeplex config` and the log; passwords show as `<redacted>`.
    public var description: String {
        var lines = [
            "charge point \(chargePoint.id) (\(chargePoint.vendor) \(chargePoint.model))",
            "board \(board.kind.rawValue), \(board.connectors) connector(s)" + (board.pinMap.map { ", pin map \($0)" } ?? ""),
            "state in \(stateDirectory)",
            "free vend \(authorization.freeVend ? "on (\(authorization.freeVendIdTag))" : "off"), "
                + "local list of \(authorization.localList.count) idTag(s)",
        ]
        lines += operators.map { "operator \($0)" }
        lines += ocppSettings.map { "ocpp \($0.key) = \($0.value)" }
        lines.append("firmware installer " + (firmware.installer.map { "\($0), run by the \(firmware.runBy.rawValue)" } ?? "none (UpdateFirmware is refused)"))
        lines.append("log level \(logLevel.rawValue)")
        return lines.joined(separator: "\n")
    }
}
