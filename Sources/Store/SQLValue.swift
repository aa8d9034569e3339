/// One value as SQLite stores it: the five storage classes.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// Wraps any convertible Swift value, so optionals become `.null` when absent.
    public init<Value: SQLValueConvertible>(_ value: Value) {
        self = value.sqlValue
    }
}

extension SQLValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}

/// A Swift type that can be bound to a statement parameter and read back from a column.
///
/// Reading is strict: an `Int64` column never silently becomes a `String`, and a NULL only
/// reads as an `Optional`. A mismatch throws `DatabaseError` with code `.mismatch`, which
/// keeps schema mistakes visible instead of turning them into zeros and empty strings.
public protocol SQLValueConvertible {
    /// The value to bind.
    var sqlValue: SQLValue { get }
    /// Reads the value from a column, throwing `DatabaseError` (`.mismatch`) on a wrong type.
    init(sqlValue: SQLValue) throws(DatabaseError)
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public init(sqlValue: SQLValue) throws(DatabaseError) {
        guard case .integer(let value) = sqlValue else { throw .mismatch("expected an integer, found \(sqlValue.kindName)") }
        self = value
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init(sqlValue: SQLValue) throws(DatabaseError) {
        let wide = try Int64(sqlValue: sqlValue)
        guard let value = Int(exactly: wide) else { throw .mismatch("integer \(wide) does not fit in Int") }
        self = value
    }
}

extension Bool: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public init(sqlValue: SQLValue) throws(DatabaseError) {
        self = try Int64(sqlValue: sqlValue) != 0
    }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public init(sqlValue: SQLValue) throws(DatabaseError) {
        switch sqlValue {
        case .real(let value): self = value
        // Columns without REAL affinity keep whole numbers as integers; they are valid reals.
        case .integer(let value): self = Double(value)
        default: throw .mismatch("expected a real, found \(sqlValue.kindName)")
        }
    }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public init(sqlValue: SQLValue) throws(DatabaseError) {
        guard case .text(let value) = sqlValue else { throw .mismatch("expected text, found \(sqlValue.kindName)") }
        self = value
    }
}

extension [UInt8]: SQLValueConvertible {
    public var sqlValue: SQLValue { .blob(self) }
    public init(sqlValue: SQLValue) throws(DatabaseError) {
        guard case .blob(let value) = sqlValue else { throw .mismatch("expected a blob, found \(sqlValue.kindName)") }
        self = value
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public init(sqlValue: SQLValue) throws(DatabaseError) {
        if case .null = sqlValue {
            self = .none
        } else {
            self = .some(try Wrapped(sqlValue: sqlValue))
        }
    }
}

extension SQLValue {
    var kindName: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real"
        case .text: "text"
        case .blob: "a blob"
        }
    }
}
