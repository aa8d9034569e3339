/// The kind of value a configuration key holds, which decides what
/// ChangeConfiguration accepts.
public enum ConfigurationValueKind: Sendable, Equatable {
    case integer(ClosedRange<Int>)
    case boolean
    /// A comma-separated list whose members must come from `allowed`
    /// (empty: anything), at most `maximumCount` of them.
    case list(allowed: Set<String>, maximumCount: Int)
    case text(maximumLength: Int)

    /// Whether ChangeConfiguration (or the configuration file) may set `value`.
    public func validate(_ value: String) -> Bool {
        problem(with: value) == nil
    }

    /// Why `value` does not fit, or nil when it does: the one rule for both
    /// ChangeConfiguration and the configuration file.
    public func problem(with value: String) -> ConfigurationValueProblem? {
        switch self {
        case .integer(let range):
            guard let number = Int(value.trimmingSpaces) else { return .notAnInteger }
            return range.contains(number) ? nil : .outOfRange(range, found: number)
        case .boolean:
            return ["true", "false"].contains(value.lowercased()) ? nil : .notABoolean
        case .list(let allowed, let maximumCount):
            let members = value.split(separator: ",").map { String($0).trimmingSpaces }
            if members.count > maximumCount { return .tooManyMembers(maximum: maximumCount, found: members.count) }
            if members.contains(where: \.isEmpty) { return .blankMember }
            if !allowed.isEmpty, let unknown = members.first(where: { !allowed.contains($0) }) {
                return .unknownMember(unknown)
            }
            return nil
        case .text(let maximumLength):
            return value.count <= maximumLength ? nil : .tooLong(maximum: maximumLength, found: value.count)
        }
    }
}

/// What is wrong with a value for a key of some `ConfigurationValueKind`.
public enum ConfigurationValueProblem: Sendable, Equatable {
    /// Not a whole number.
    case notAnInteger
    case outOfRange(ClosedRange<Int>, found: Int)
    /// Neither `true` nor `false`.
    case notABoolean
    case tooManyMembers(maximum: Int, found: Int)
    /// A member of a list that is only spaces.
    case blankMember
    /// A member of a list that is not among the allowed ones.
    case unknownMember(String)
    case tooLong(maximum: Int, found: Int)
}

/// How a key relates to the operators (see the rule book, operators.md).
public enum ConfigurationScope: Sendable, Equatable {
    /// One value for the charger; any operator may change it.
    case shared
    /// One value for the charger; only the authority may change it.
    case authorization
    /// Each operator sees and sets its own value.
    case perOperator
}

/// A configuration key the charge point knows: its name as OCPP spells it,
/// its default, whether it can be changed, and what values it takes.
public struct ConfigurationKey: Sendable {
    public let name: String
    public let defaultValue: String
    public let readonly: Bool
    public let kind: ConfigurationValueKind
    public let scope: ConfigurationScope
    public let rebootRequired: Bool
    /// A secret that can be set but never read back: GetConfiguration lists
    /// the key without a value, and listings mask it.
    public let writeOnly: Bool

    init(
        _ name: String, _ defaultValue: String, readonly: Bool = false, _ kind: ConfigurationValueKind,
        scope: ConfigurationScope = .shared, rebootRequired: Bool = false, writeOnly: Bool = false
    ) {
        self.name = name
        self.defaultValue = defaultValue
        self.readonly = readonly
        self.kind = kind
        self.scope = scope
        self.rebootRequired = rebootRequired
        self.writeOnly = writeOnly
    }
}

extension String {
    /// The text without leading and trailing spaces, as OCPP values are compared.
    public var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
