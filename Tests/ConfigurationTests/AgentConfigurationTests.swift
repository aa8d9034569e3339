import Foundation
import Testing

@testable import Configuration

@Suite("AgentConfiguration: sections, defaults and checks")
struct AgentConfigurationTests {
    @Test("a minimal file gets the documented defaults")
    func defaults() throws {
        let configuration = try AgentConfiguration.parse(text: minimalConfiguration)
        #expect(configuration.chargePoint.id == "CP-1")
        #expect(configuration.chargePoint.serialNumber == nil)
        #expect(configuration.board == .init(kind: .sim, pinMap: nil, connectors: 2))
        #expect(configuration.stateDirectory == "/var/lib/chargeplex")
        #expect(configuration.stateDirectoryLine == nil)
        #expect(configuration.authorization == .init(freeVend: false, freeVendIdTag: "FREEVEND", localList: []))
        #expect(configuration.operators.isEmpty)
        #expect(configuration.ocppSettings.isEmpty)
        #expect(configuration.firmware == .init(installer: nil, caFile: nil))
        #expect(configuration.logLevel == .info)
    }

    @Test("every section is read")
    func fullFile() throws {
        let configuration = try AgentConfiguration.parse(text: """
            [chargepoint]
            id = "CP-7"
            vendor = "Acme"
            model = "Twin 22"
            serial = "SN1"
            firmware_version = "2.1.0"
            [board]
            kind = "gpio"
            pinmap = "/etc/chargeplex/board.toml"
            connectors = 8
            [state]
            directory = "/data/chargeplex"
            [authorization]
            free_vend = true
            free_vend_idtag = "FREE"
            [[authorization.local_list]]
            idtag = "AA11"
            [[authorization.local_list]]
            idtag = "BB22"
            status = "Blocked"
            expiry = 2030-01-01 12:00:00+02:00
            parent = "GROUP"
            [[operators]]
            name = "cloud"
            url = "wss://cloud.example.com/ocpp"
            role = "home"
            security_profile = 2
            password = "0123456789abcdef"
            [ocpp]
            HeartbeatInterval = 300
            LocalAuthorizeOffline = true
            MeterValuesSampledData = "Energy.Active.Import.Register,Power.Active.Import"
            [log]
            level = "debug"
            [firmware]
            installer = "/usr/lib/chargeplex/install-firmware"
            ca_file = "/etc/chargeplex/firmware-ca.pem"
            """)
        #expect(configuration.chargePoint == .init(id: "CP-7", vendor: "Acme", model: "Twin 22", serialNumber: "SN1", firmwareVersion: "2.1.0"))
        #expect(configuration.board == .init(kind: .gpio, pinMap: "/etc/chargeplex/board.toml", connectors: 8))
        #expect(configuration.stateDirectory == "/data/chargeplex")
        #expect(configuration.stateDirectoryLine == 12)
        #expect(configuration.authorization.freeVend)
        #expect(configuration.authorization.freeVendIdTag == "FREE")
        #expect(configuration.authorization.localList == [
            .init(idTag: "AA11", status: .accepted, expiryDate: nil, parentIdTag: nil),
            .init(idTag: "BB22", status: .blocked, expiryDate: "2030-01-01T12:00:00+02:00", parentIdTag: "GROUP"),
        ])
        #expect(configuration.operators == [
            OperatorEntry(name: "cloud", url: "wss://cloud.example.com/ocpp", chargePointId: "CP-7", role: .home,
                securityProfile: 2, password: "0123456789abcdef"),
        ])
        #expect(configuration.ocppSettings == [
            .init(key: "HeartbeatInterval", value: "300", line: 30),
            .init(key: "LocalAuthorizeOffline", value: "true", line: 31),
            .init(key: "MeterValuesSampledData", value: "Energy.Active.Import.Register,Power.Active.Import", line: 32),
        ])
        #expect(configuration.logLevel == .debug)
        #expect(configuration.firmware == .init(installer: "/usr/lib/chargeplex/install-firmware", caFile: "/etc/chargeplex/firmware-ca.pem", runByLine: 35))
    }

    @Test("the example file in config/ loads")
    func exampleFile() throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/chargeplex.example.toml").path
        let configuration = try AgentConfiguration.load(path: path)
        #expect(configuration.board.kind == .sim)
        #expect(configuration.operators.count == 1)
        let home = try #require(configuration.operators.first)
        #expect(home.role == .home)
        #expect(home.url == "ws://127.0.0.1:9000/")
        #expect(home.allowInsecure)
        #expect(home.chargePointId == configuration.chargePoint.id)
        #expect(configuration.authorization.localList.count == 2)
        #expect(configuration.ocppSettings.map { "\($0.key)=\($0.value)" } == ["HeartbeatInterval=300", "MeterValueSampleInterval=60"])
    }

    @Test("files are read from disk; missing, unreadable and non-UTF-8 files are reported")
    func loading() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargeplex-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let good = directory.appendingPathComponent("good.toml")
        try Data(minimalConfiguration.utf8).write(to: good)
        #expect(try AgentConfiguration.load(path: good.path).chargePoint.id == "CP-1")

        let missing = directory.appendingPathComponent("missing.toml").path
        #expect(throws: ConfigurationError(file: missing, line: nil, reason: "no such file")) {
            try AgentConfiguration.load(path: missing)
        }
        #expect(throws: ConfigurationError(file: directory.path, line: nil, reason: "is a directory, not a file")) {
            try AgentConfiguration.load(path: directory.path)
        }

        let binary = directory.appendingPathComponent("binary.toml")
        try Data(Array(minimalConfiguration.utf8) + [0xFF, 0xFE]).write(to: binary)
        let error = #expect(throws: ConfigurationError.self) { try AgentConfiguration.load(path: binary.path) }
        #expect(error?.description == "\(binary.path):9: the file is not valid UTF-8 text")

        let large = directory.appendingPathComponent("large.toml")
        try Data(repeating: UInt8(ascii: "#"), count: TOMLReader.maximumInputSize + 1).write(to: large)
        let tooLarge = #expect(throws: ConfigurationError.self) { try AgentConfiguration.load(path: large.path) }
        #expect(tooLarge?.reason.contains("larger than") == true)
    }

    @Test("missing sections and keys are reported together")
    func missingParts() throws {
        let error = try #require(configurationError("[chargepoint]\nvendor = \"Acme\"\n"))
        #expect(error.issues.map(\.description) == [
            "chargeplex.toml: board: required section [board] is missing",
            "chargeplex.toml:1: chargepoint.id: required key is missing",
            "chargeplex.toml:1: chargepoint.model: required key is missing",
        ])
    }

    @Test("unknown sections and keys name their line and suggest the likely key")
    func unknownKeys() throws {
        let error = try #require(configurationError(minimalConfiguration + """
            [athorization]
            free_vend = true
            [log]
            levle = "debug"
            colour = "red"
            """))
        #expect(error.issues.map(\.description) == [
            "chargeplex.toml:9: athorization: unknown section (did you mean authorization?)",
            "chargeplex.toml:12: log.levle: unknown key (did you mean level?)",
            "chargeplex.toml:13: log.colour: unknown key",
        ])
        let stray = try #require(configurationError("id = \"CP-1\"\n" + minimalConfiguration))
        #expect(stray.description.hasPrefix("chargeplex.toml:1: id: unknown key; settings belong in a [section]"))
    }

    @Test("values of the wrong type or out of range", arguments: [
        ("[log]\nlevel = \"verbose\"", 10, "log.level",
         "must be one of \"trace\", \"debug\", \"info\", \"notice\", \"warning\", \"error\", \"critical\""),
        ("[state]\ndirectory = 5", 10, "state.directory", "expected a string, found an integer"),
        ("[state]\ndirectory = \"var/chargeplex\"", 10, "state.directory", "must be an absolute path, e.g. \"/var/lib/chargeplex\""),
        ("[state]\ndirectory = \"./state\"", 10, "state.directory", "must be an absolute path"),
        ("[state]\ndirectory = \"/\(String(repeating: "d", count: 94))\"", 10, "state.directory",
         "at most 94 bytes long, so that the control socket's path fits a Unix socket address"),
        ("[authorization]\nfree_vend = \"yes\"", 10, "authorization.free_vend", "expected true or false, found a string"),
        ("[authorization]\nfree_vend_idtag = \"\(String(repeating: "X", count: 21))\"", 10,
         "authorization.free_vend_idtag", "at most 20 characters (this one has 21)"),
        ("[ocpp]\nHeartbeatInterval = [1]", 10, "ocpp.HeartbeatInterval", "expected an integer, found an array"),
        ("[ocpp]\nAuthorizationKey = \"0123456789abcdef\"", 10, "ocpp.AuthorizationKey", "set the password of each operator"),
        ("[firmware]\ninstaller = \"install.sh\"", 10, "firmware.installer", "must be an absolute path"),
        ("[firmware]\ninstaller = \"/usr/lib/install\"\nrun_by = \"root\"", 11, "firmware.run_by", "must be one of \"agent\", \"unit\""),
        ("[firmware]\nrun_by = \"unit\"", 10, "firmware.run_by", "\"unit\" needs installer, the program chargeplex-firmware.service runs"),
    ] as [(String, Int, String, String)])
    func wrongValues(section: String, line: Int, keyPath: String, reason: String) throws {
        let error = try #require(configurationError(minimalConfiguration + section))
        #expect(error.issues.count == 1)
        #expect(error.line == line)
        #expect(error.keyPath == keyPath)
        #expect(error.reason.hasPrefix(reason), "\(error.reason)")
    }

    @Test("the state directory is an absolute path whose control socket fits a socket address")
    func stateDirectory() throws {
        let longest = "/" + String(repeating: "d", count: 93)
        let configuration = try AgentConfiguration.parse(text: minimalConfiguration + "[state]\ndirectory = \"\(longest)\"")
        #expect(configuration.stateDirectory == longest)
        #expect(configuration.stateDirectoryLine == 10)
        let relative = try #require(configurationError(minimalConfiguration + "[state]\n\ndirectory = \"chargeplex-state\""))
        #expect(relative.description == "chargeplex.toml:11: state.directory: must be an absolute path, e.g. \"/var/lib/chargeplex\"")
    }

    @Test("a section of the wrong type", arguments: [
        ("log = \"debug\"", "chargeplex.toml:1: log: expected a table ([log]), found a string"),
        ("operators = 3", "chargeplex.toml:1: operators: expected an array of tables ([[operators]]), found an integer"),
        ("state = []", "chargeplex.toml:1: state: expected a table ([state]), found an array"),
    ])
    func sectionOfTheWrongType(line: String, message: String) throws {
        let error = try #require(configurationError(line + "\n" + minimalConfiguration))
        #expect(error.issues.map(\.description) == [message])
    }

    @Test("charge point identity: length, characters, BootNotification limits")
    func chargePoint() throws {
        let error = try #require(configurationError("""
            [chargepoint]
            id = "CP 1/2"
            vendor = "A vendor name that is far too long"
            model = "M"
            serial = "\(String(repeating: "9", count: 26))"
            [board]
            kind = "sim"
            """))
        #expect(error.issues.map(\.description) == [
            "chargeplex.toml:2: chargepoint.id: must be 1 to 48 characters of A-Z, a-z, 0-9, -, ., _ and ~",
            "chargeplex.toml:3: chargepoint.vendor: at most 20 characters (this one has 34)",
            "chargeplex.toml:5: chargepoint.serial: at most 25 characters (this one has 26)",
        ])
        let long = try #require(configurationError(minimalConfiguration.replacingOccurrences(
            of: "id = \"CP-1\"", with: "id = \"\(String(repeating: "C", count: 49))\"")))
        #expect(long.keyPath == "chargepoint.id")
    }

    @Test("board: gpio needs a pin map, sim may name one for its meters, 1 to 8 connectors")
    func board() throws {
        let base = "[chargepoint]\nid = \"CP\"\nvendor = \"V\"\nmodel = \"M\"\n"
        let gpio = try #require(configurationError(base + "[board]\nkind = \"gpio\""))
        #expect(gpio.description.hasPrefix("chargeplex.toml:5: board.pinmap: kind = \"gpio\" needs a pin map file"))
        let sim = try AgentConfiguration.parse(text: base + "[board]\nkind = \"sim\"\npinmap = \"/meters.toml\"", fileName: "chargeplex.toml")
        #expect(sim.board.kind == .sim && sim.board.pinMap == "/meters.toml")
        let connectors = try #require(configurationError(base + "[board]\nkind = \"sim\"\nconnectors = 9"))
        #expect(connectors.description == "chargeplex.toml:7: board.connectors: must be from 1 to 8 (found 9)")
        let kind = try #require(configurationError(base + "[board]\nkind = \"GPIO\""))
        #expect(kind.description == "chargeplex.toml:6: board.kind: must be one of \"sim\", \"gpio\"")
    }

    @Test("local list: status, expiry, duplicates, and both ways of writing it")
    func localList() throws {
        let inline = try AgentConfiguration.parse(text: minimalConfiguration + """
            [authorization]
            local_list = [ { idtag = "A", expiry = "2031-05-01T00:00:00z" }, { idtag = "B", status = "Expired" } ]
            """)
        #expect(inline.authorization.localList.map(\.idTag) == ["A", "B"])
        #expect(inline.authorization.localList[0].expiryDate == "2031-05-01T00:00:00Z")
        #expect(inline.authorization.localList[1].status == .expired)

        let error = try #require(configurationError(minimalConfiguration + """
            [authorization]
            local_list = [
                { idtag = "A", status = "accepted" },
                { idtag = "B", expiry = "31/12/2030" },
                { idtag = "a" },
                { status = "Blocked" },
                "C",
            ]
            """))
        #expect(error.issues.map(\.description) == [
            "chargeplex.toml:11: authorization.local_list[0].status: must be one of \"Accepted\", \"Blocked\", \"Expired\", \"Invalid\"",
            "chargeplex.toml:12: authorization.local_list[1].expiry: must be an RFC 3339 date-time with an offset, e.g. 2026-12-31T23:59:59Z",
            "chargeplex.toml:13: authorization.local_list[2].idtag: this idTag is already in the local list (line 11)",
            "chargeplex.toml:14: authorization.local_list[3].idtag: required key is missing",
            "chargeplex.toml:15: authorization.local_list[4]: expected a table, found a string",
        ])
    }

    @Test("ocpp settings keep file order and their lines")
    func ocppOrder() throws {
        let configuration = try AgentConfiguration.parse(text: minimalConfiguration + """
            [ocpp]
            WebSocketPingInterval = "30"
            BlinkRepeat = "2"
            """)
        #expect(configuration.ocppSettings.map(\.key) == ["WebSocketPingInterval", "BlinkRepeat"])
        #expect(configuration.ocppSettings.map(\.line) == [10, 11])
    }

    @Test("syntax errors come through with their line")
    func syntaxErrors() throws {
        let error = try #require(configurationError(minimalConfiguration + "[ocpp]\nHeartbeatInterval = \"300\n"))
        #expect(error.description == "chargeplex.toml:10: unterminated string (no closing \" on this line)")
    }

    @Test("a long list of problems is summarised")
    func manyProblems() throws {
        let lines = (0..<80).map { "unknown\($0) = 1" }.joined(separator: "\n")
        let error = try #require(configurationError(minimalConfiguration + "[log]\n" + lines))
        #expect(error.issues.count == 80)
        #expect(error.description.split(separator: "\n").count == 51)
        #expect(error.description.hasSuffix("chargeplex.toml: 30 more problems not shown"))
    }
}
