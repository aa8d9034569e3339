/// From the TOML tree to the typed configuration: each section read with its declared keys,
/// every problem collected, and the configuration refused if there is any.
extension AgentConfiguration {
    init(_ document: TOMLTable, fileName: String) throws(ConfigurationError) {
        let log = IssueLog(file: fileName)
        let root = SectionReader(document, path: "", keys: [
            "chargepoint", "board", "state", "authorization", "operators", "ocpp", "firmware", "log",
        ], log: log)

        let chargePoint = Self.readChargePoint(root, log: log)
        board = Self.readBoard(root, log: log)
        (stateDirectory, stateDirectoryLine) = Self.readStateDirectory(root)
        authorization = Self.readAuthorization(root)
        operators = Self.readOperators(root, chargePointId: chargePoint.id, log: log)
        ocppSettings = Self.readOCPPSettings(root)
        firmware = Self.readFirmware(root)
        logLevel = root.section("log", keys: ["level"])?.choice("level") ?? .info
        keyLines = Self.keyLines(of: document)
        self.chargePoint = chargePoint

        guard log.issues.isEmpty else { throw ConfigurationError(issues: log.issues) }
    }

    /// The line of every key of the root, of its sections and of the tables of its arrays.
    private static func keyLines(of document: TOMLTable) -> [String: Int] {
        var lines: [String: Int] = [:]
        func collect(_ table: TOMLTable, under path: String) {
            for entry in table.entries {
                lines[TOMLTree.path([entry.key], under: path)] = entry.value.line
            }
        }
        for entry in document.entries {
            let path = TOMLTree.path([entry.key], under: "")
            lines[path] = entry.value.line
            if let table = entry.value.table {
                collect(table, under: path)
            } else if let elements = entry.value.array {
                for (index, element) in elements.enumerated() {
                    if let table = element.table { collect(table, under: "\(path)[\(index)]") }
                }
            }
        }
        return lines
    }

    /// A section that must be present; reported once, without a line, when it is not.
    private static func requiredSection(_ key: String, keys: [String], in root: SectionReader, log: IssueLog) -> SectionReader? {
        guard root.contains(key) else {
            log.report(line: nil, keyPath: key, reason: "required section [\(key)] is missing")
            return nil
        }
        return root.section(key, keys: keys)
    }

    private static func readChargePoint(_ root: SectionReader, log: IssueLog) -> ChargePointSettings {
        let keys = ["id", "vendor", "model", "serial", "firmware_version"]
        guard let section = requiredSection("chargepoint", keys: keys, in: root, log: log) else {
            return ChargePointSettings(id: "", vendor: "", model: "")
        }
        let id = section.string("id", required: true) ?? ""
        if section.contains("id"), !log.hasIssue(at: section.keyPath("id")), let reason = ChargePointIdentity.problem(with: id) {
            section.report("id", reason)
        }
        return ChargePointSettings(
            id: id,
            vendor: section.string("vendor", maximumLength: 20, required: true) ?? "",
            model: section.string("model", maximumLength: 20, required: true) ?? "",
            serialNumber: section.string("serial", maximumLength: 25),
            firmwareVersion: section.string("firmware_version", maximumLength: 50))
    }

    private static func readBoard(_ root: SectionReader, log: IssueLog) -> BoardSettings {
        guard let section = requiredSection("board", keys: ["kind", "pinmap", "connectors"], in: root, log: log) else {
            return BoardSettings(kind: .sim, pinMap: nil, connectors: 1)
        }
        let kind: BoardSettings.Kind = section.choice("kind", required: true) ?? .sim
        // A simulated board may name one too: its [meter.N] and [limit] are real.
        let pinMap = section.string("pinmap")
        if let path = pinMap, let reason = FilePath.problem(with: path) {
            section.report("pinmap", reason)
        } else if kind == .gpio && pinMap == nil && !section.contains("pinmap") {
            section.report("pinmap", "kind = \"gpio\" needs a pin map file, e.g. pinmap = \"/etc/chargeplex/board.toml\"")
        }
        return BoardSettings(kind: kind, pinMap: pinMap, connectors: section.integer("connectors", in: 1...8) ?? 1)
    }

    private static func readFirmware(_ root: SectionReader) -> FirmwareSettings {
        guard let section = root.section("firmware", keys: ["installer", "ca_file", "run_by"]) else { return FirmwareSettings() }
        func path(_ key: String) -> String? {
            guard let path = section.string(key) else { return nil }
            if let reason = FilePath.problem(with: path) {
                section.report(key, reason)
                return nil
            }
            return path
        }
        var settings = FirmwareSettings(
            installer: path("installer"), caFile: path("ca_file"), runBy: section.choice("run_by") ?? .agent,
            runByLine: section.line(of: "run_by"))
        if let installer = settings.installer, !installer.hasPrefix("/") {
            section.report("installer", "must be an absolute path, e.g. \"/usr/lib/chargeplex/install-firmware\"")
            settings.installer = nil
        }
        if settings.runBy == .unit && !section.contains("installer") {
            section.report("run_by", "\"unit\" needs installer, the program chargeplex-firmware.service runs")
        }
        return settings
    }

    /// The directory as written, and its line. Only what the text shows is checked here;
    /// whether the agent can write there is a question for the machine (`config check`).
    private static func readStateDirectory(_ root: SectionReader) -> (String, Int?) {
        guard let section = root.section("state", keys: ["directory"]),
            let directory = section.string("directory")
        else { return (defaultStateDirectory, nil) }
        if let reason = FilePath.problem(with: directory) {
            section.report("directory", reason)
        } else if !directory.hasPrefix("/") {
            // The daemon's working directory is not the technician's: a relative path
            // would name a different place for `run` than for whoever wrote it.
            section.report("directory", "must be an absolute path, e.g. \"\(defaultStateDirectory)\"")
        } else if directory.utf8.count + controlSocketName.utf8.count + 1 > maximumSocketPathLength {
            let limit = maximumSocketPathLength - controlSocketName.utf8.count - 1
            section.report("directory", "at most \(limit) bytes long, so that the control socket's path fits a Unix socket address")
        }
        return (directory, section.line(of: "directory"))
    }

    private static func readAuthorization(_ root: SectionReader) -> AuthorizationSettings {
        var settings = AuthorizationSettings(freeVend: false, freeVendIdTag: defaultFreeVendIdTag, localList: [])
        guard let section = root.section("authorization", keys: ["free_vend", "free_vend_idtag", "local_list"]) else {
            return settings
        }
        settings.freeVend = section.bool("free_vend") ?? false
        if let idTag = section.string("free_vend_idtag", maximumLength: 20) {
            if idTag.isEmpty { section.report("free_vend_idtag", "must not be empty") } else { settings.freeVendIdTag = idTag }
        }
        var lineOfIdTag: [String: Int] = [:]
        for entry in section.tables("local_list", keys: ["idtag", "status", "expiry", "parent"]) {
            guard let idTag = entry.string("idtag", maximumLength: 20, required: true) else { continue }
            // IdToken is case-insensitive in OCPP, so two spellings are the same driver.
            if let first = lineOfIdTag[idTag.lowercased()] {
                entry.report("idtag", "this idTag is already in the local list (line \(first))")
            } else {
                lineOfIdTag[idTag.lowercased()] = entry.line(of: "idtag") ?? 0
            }
            settings.localList.append(LocalListEntry(
                idTag: idTag,
                status: entry.choice("status") ?? .accepted,
                expiryDate: readExpiry(entry),
                parentIdTag: entry.string("parent", maximumLength: 20)))
        }
        return settings
    }

    /// Either a TOML date-time or a quoted RFC 3339 string.
    private static func readExpiry(_ entry: SectionReader) -> String? {
        guard let value = entry.table["expiry"] else { return nil }
        if let dateTime = value.dateTime { return dateTime }
        guard let text = entry.string("expiry") else { return nil }
        guard let normalized = RFC3339.normalized(text.utf8) else {
            entry.report("expiry", "must be an RFC 3339 date-time with an offset, e.g. 2026-12-31T23:59:59Z")
            return nil
        }
        return normalized
    }

    private static func readOperators(_ root: SectionReader, chargePointId: String, log: IssueLog) -> [OperatorEntry] {
        let readers = root.tables("operators", keys: OperatorEntry.Field.allCases.map(\.rawValue))
        let entries = readers.map { readOperator($0, chargePointId: chargePointId) }
        // Elements that are not tables were reported and dropped; the list rules are
        // meaningless with positions that no longer match the file.
        guard readers.count == (root.table["operators"]?.array?.count ?? 0) else { return entries }
        let dependOnProfile: Set<OperatorEntry.Field> = [.password, .clientCertificate, .clientKey]
        for problem in OperatorEntry.validateList(entries) {
            let section = readers[problem.index]
            let key = problem.field.rawValue
            // Reported already in its own terms (wrong type, missing), inherited from
            // [chargepoint] id (which carries the report), or judged against a profile
            // that could not be read.
            if log.hasIssue(at: section.keyPath(key)) { continue }
            if problem.field == .chargePointId && !section.contains(key) { continue }
            if dependOnProfile.contains(problem.field) && log.hasIssue(at: section.keyPath("security_profile")) { continue }
            section.report(key, problem.reason)
        }
        return entries
    }

    private static func readOperator(_ section: SectionReader, chargePointId: String) -> OperatorEntry {
        // The security profile has no default: the technician states it.
        if !section.contains("security_profile") { section.reportMissing("security_profile") }
        return OperatorEntry(
            name: section.string("name", required: true) ?? "",
            url: section.string("url", required: true) ?? "",
            chargePointId: section.string("chargepoint_id") ?? chargePointId,
            role: section.choice("role", required: true) ?? .dataControl,
            securityProfile: section.integer("security_profile", in: 0...3) ?? 0,
            password: section.secret("password"),
            clientCertificate: section.string("client_certificate"),
            clientKey: section.string("client_key"),
            caFile: section.string("ca_file"),
            allowInsecure: section.bool("allow_insecure") ?? false,
            enabled: section.bool("enabled") ?? true)
    }
}
