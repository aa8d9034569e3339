/// A TOML table: keys in the order they were written, each with its value.
///
/// Order is kept because some sections (the initial OCPP keys) are applied in file order.
public struct TOMLTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: TOMLValue
    }

    public private(set) var entries: [Entry] = []
    private var positions: [String: Int] = [:]
    /// The line of the header or key that defined the table; `nil` for the document root.
    public var line: Int?

    public init(line: Int?) {
        self.line = line
    }

    public subscript(key: String) -> TOMLValue? {
        positions[key].map { entries[$0].value }
    }

    public var keys: [String] { entries.map(\.key) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds a key; the reader has already refused duplicates, so a second one is a bug.
    mutating func append(key: String, value: TOMLValue) {
        precondition(positions[key] == nil, "duplicate TOML key reached the table")
        positions[key] = entries.count
        entries.append(Entry(key: key, value: value))
    }
}
