/// One value read from a TOML document, with the line it starts on so that a later check
/// can point the reader at the right place in the file.
public struct TOMLValue: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        /// An offset date-time (RFC 3339), kept as written: the configuration only checks it
        /// and hands it on, so parsing it into a calendar type here would gain nothing.
        case dateTime(String)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var content: Content
    /// The 1-based line the value starts on.
    public var line: Int

    public init(_ content: Content, line: Int) {
        self.content = content
        self.line = line
    }

    public var string: String? {
        if case .string(let value) = content { return value }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let value) = content { return value }
        return nil
    }

    public var float: Double? {
        if case .float(let value) = content { return value }
        return nil
    }

    public var boolean: Bool? {
        if case .boolean(let value) = content { return value }
        return nil
    }

    public var dateTime: String? {
        if case .dateTime(let value) = content { return value }
        return nil
    }

    public var array: [TOMLValue]? {
        if case .array(let value) = content { return value }
        return nil
    }

    public var table: TOMLTable? {
        if case .table(let value) = content { return value }
        return nil
    }

    /// The type's name as a technician would read it in an error message.
    public var typeName: String {
        switch content {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .dateTime: "a date-time"
        case .array: "an array"
        case .table: "a table"
        }
    }
}
