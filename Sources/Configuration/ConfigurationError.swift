/// Why a configuration file was refused: every problem found, each with the file, line and
/// key it concerns, so that a technician can fix them all in one visit.
///
/// Syntax errors stop the reader at the first one (what follows a syntax error cannot be
/// trusted); checks of the values collect every problem they find. No message ever quotes
/// a password or any other credential.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem: `chargeplex.toml:12: operators[1].url: must start with ws:// or wss://`.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        /// The 1-based line, or `nil` when the problem is the file as a whole or a section
        /// that is missing altogether.
        public var line: Int?
        /// The dotted key path (`operators[1].url`), or `nil` when the problem concerns no one key.
        public var keyPath: String?
        public var reason: String

        public init(file: String, line: Int?, keyPath: String?, reason: String) {
            self.file = file
            self.line = line
            self.keyPath = keyPath
            self.reason = reason
        }

        public var description: String {
            var text = file
            if let line { text += ":\(line)" }
            text += ": "
            if let keyPath { text += "\(keyPath): " }
            return text + reason
        }
    }

    /// Never empty; in line order, problems without a line first.
    public private(set) var issues: [Issue]

    /// Creates an error from its problems; they are put in line order.
    public init(issues: [Issue]) {
        precondition(!issues.isEmpty, "a configuration error needs at least one issue")
        self.issues = issues.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }

    public init(file: String, line: Int?, keyPath: String? = nil, reason: String) {
        self.init(issues: [Issue(file: file, line: line, keyPath: keyPath, reason: reason)])
    }

    /// The first problem's file.
    public var file: String { issues[0].file }
    /// The first problem's line.
    public var line: Int? { issues[0].line }
    /// The first problem's key path.
    public var keyPath: String? { issues[0].keyPath }
    /// The first problem's reason.
    public var reason: String { issues[0].reason }

    /// How many problems `description` lists before it summarises the rest; a file full of
    /// garbage should not flood the journal.
    static let describedIssueLimit = 50

    /// One line per problem.
    public var description: String {
        var lines = issues.prefix(Self.describedIssueLimit).map(\.description)
        if issues.count > Self.describedIssueLimit {
            lines.append("\(file): \(issues.count - Self.describedIssueLimit) more problems not shown")
        }
        return lines.joined(separator: "\n")
    }
}
