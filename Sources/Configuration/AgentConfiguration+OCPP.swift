import OCPPKeys

/// `[ocpp]`: initial values of OCPP configuration keys, checked against the same key table
/// the charge point answers ChangeConfiguration with, so that a value the file accepts is one
/// the charge point takes, and a misspelt key is an error rather than a default that silently
/// stays in force.
extension AgentConfiguration {
    static func readOCPPSettings(_ root: SectionReader) -> [OCPPSetting] {
        // Unknown keys are reported by the section reader, with a suggestion.
        guard let section = root.section("ocpp", keys: StandardKeys.all.map(\.name), ignoringCase: true) else {
            return []
        }
        var settings: [OCPPSetting] = []
        var lineOfKey: [String: Int] = [:]
        for entry in section.table.entries {
            guard let definition = StandardKeys.key(named: entry.key) else { continue }
            let line = entry.value.line
            // Two spellings of one key are two TOML keys but one OCPP key.
            if let first = lineOfKey[definition.name] {
                section.report(entry.key, "\(definition.name) is already set on line \(first) (OCPP key names ignore case)")
                continue
            }
            lineOfKey[definition.name] = line
            if let reason = notSettable(definition) {
                section.report(entry.key, reason)
                continue
            }
            guard let value = ocppValue(entry.value, for: definition, key: entry.key, in: section) else { continue }
            settings.append(OCPPSetting(key: definition.name, value: value, line: line))
        }
        return settings
    }

    /// Why the file may not set a key at all, or nil when it may.
    private static func notSettable(_ definition: ConfigurationKey) -> String? {
        switch definition.name {
        case "AuthorizationKey":
            return "set the password of each operator in its [[operators]] section instead"
        case "NumberOfConnectors" where definition.readonly:
            return "read-only; the charge point reports [board] connectors"
        case "SecurityProfile":
            return "set security_profile in each [[operators]] section instead"
        default:
            return definition.readonly ? "read-only; the charge point reports its own value, which cannot be set" : nil
        }
    }

    /// The value as OCPP carries it (`"300"`, `"true"`, `"Voltage,Current.Import"`), from the
    /// TOML types that read naturally for the key: an integer or a string of digits, a boolean
    /// or a string `true`/`false`, a comma-separated string or an array of strings.
    private static func ocppValue(_ value: TOMLValue, for definition: ConfigurationKey, key: String, in section: SectionReader) -> String? {
        let text: String
        switch (definition.kind, value.content) {
        case (_, .string(let string)):
            if string.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                section.report(key, "must not contain control characters")
                return nil
            }
            text = string
        case (.integer, .integer(let number)):
            text = String(number)
        case (.boolean, .boolean(let flag)):
            text = flag ? "true" : "false"
        case (.list, .array(let elements)):
            guard let strings = listMembers(elements, key: key, in: section) else { return nil }
            text = strings.joined(separator: ",")
        case (.integer, _):
            section.report(key, "expected an integer, found \(value.typeName)")
            return nil
        case (.boolean, _):
            section.report(key, "expected true or false, found \(value.typeName)")
            return nil
        case (.list, _):
            section.report(key, "expected a comma-separated string or an array of strings, found \(value.typeName)")
            return nil
        case (.text, _):
            section.report(key, "expected a string, found \(value.typeName)")
            return nil
        }
        if let problem = definition.kind.problem(with: text) {
            section.report(key, reason(problem, text: text, kind: definition.kind))
            return nil
        }
        guard text.count <= 500 else {
            section.report(key, "an OCPP value has at most 500 characters (this one has \(text.count))")
            return nil
        }
        return canonical(text, kind: definition.kind)
    }

    /// The strings of a list written as a TOML array; nil (and reported) if one is not a string.
    private static func listMembers(_ elements: [TOMLValue], key: String, in section: SectionReader) -> [String]? {
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard let string = element.string else {
                section.log.report(
                    line: element.line, keyPath: "\(section.keyPath(key))[\(index)]",
                    reason: "expected a string, found \(element.typeName)")
                return nil
            }
            strings.append(string)
        }
        return strings
    }

    /// One spelling per value: `300` for `" 300"`, `true` for `"TRUE"`, no spaces in lists.
    private static func canonical(_ text: String, kind: ConfigurationValueKind) -> String {
        switch kind {
        case .integer: Int(text.trimmingSpaces).map { String($0) } ?? text
        case .boolean: text.lowercased()
        case .list: text.split(separator: ",").map { String($0).trimmingSpaces }.joined(separator: ",")
        case .text: text
        }
    }

    /// A problem in the file's words; values are quoted (no OCPP key the file may set is secret).
    private static func reason(_ problem: ConfigurationValueProblem, text: String, kind: ConfigurationValueKind) -> String {
        switch problem {
        case .notAnInteger:
            return "expected an integer, found \(quoted(text))"
        case .outOfRange(let range, let number):
            return "must be from \(range.lowerBound) to \(range.upperBound) (found \(number))"
        case .notABoolean:
            return "expected true or false, found \(quoted(text))"
        case .tooManyMembers(let maximum, let count):
            return "at most \(maximum) values (this one has \(count))"
        case .blankMember:
            return "a value in the list is blank"
        case .unknownMember(let member):
            guard case .list(let allowed, _) = kind else { return "unknown value \(quoted(member))" }
            let known = allowed.sorted()
            var reason = "unknown value \(quoted(member))"
            if let suggestion = SectionReader.closest(to: member, among: known) { reason += " (did you mean \(suggestion)?)" }
            return reason + "; known values: " + known.joined(separator: ", ")
        case .tooLong(let maximum, let count):
            return "at most \(maximum) characters (this one has \(count))"
        }
    }

    /// A value as the technician wrote it, shortened when long.
    private static func quoted(_ text: String) -> String {
        text.count <= 40 ? "\"\(text)\"" : "\"\(text.prefix(40))…\""
    }
}
