import CSQLite

/// A failure reported by SQLite, or a misuse of the wrapper caught before it reached SQLite.
///
/// Every error from `Database`, `Connection` and `Statement` is of this type, so callers can
/// tell a full disk (`.full`) from a constraint violation (`.constraint`) or a locked file
/// (`.busy`) without parsing messages.
public struct DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// SQLite's extended result code, e.g. `SQLITE_CONSTRAINT_UNIQUE`.
    public let extendedCode: Int32
    /// SQLite's message (`sqlite3_errmsg`) or the wrapper's own explanation.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    /// The primary result code, the low byte of `extendedCode`.
    public var code: Code { Code(rawValue: extendedCode & 0xFF) }

    /// Creates an error from a SQLite result code and message.
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var text = "SQLite error \(extendedCode): \(message)"
        if let sql { text += " (in: \(sql.prefix(200)))" }
        return text
    }

    /// A primary SQLite result code, named so that callers need not import the C module.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let error = Code(rawValue: SQLITE_ERROR)
        public static let `internal` = Code(rawValue: SQLITE_INTERNAL)
        public static let permission = Code(rawValue: SQLITE_PERM)
        public static let abort = Code(rawValue: SQLITE_ABORT)
        public static let busy = Code(rawValue: SQLITE_BUSY)
        public static let locked = Code(rawValue: SQLITE_LOCKED)
        public static let noMemory = Code(rawValue: SQLITE_NOMEM)
        public static let readOnly = Code(rawValue: SQLITE_READONLY)
        public static let ioError = Code(rawValue: SQLITE_IOERR)
        public static let corrupt = Code(rawValue: SQLITE_CORRUPT)
        public static let full = Code(rawValue: SQLITE_FULL)
        public static let cannotOpen = Code(rawValue: SQLITE_CANTOPEN)
        public static let constraint = Code(rawValue: SQLITE_CONSTRAINT)
        public static let mismatch = Code(rawValue: SQLITE_MISMATCH)
        public static let misuse = Code(rawValue: SQLITE_MISUSE)
        public static let range = Code(rawValue: SQLITE_RANGE)
        public static let notADatabase = Code(rawValue: SQLITE_NOTADB)

        public var description: String { String(cString: sqlite3_errstr(rawValue)) }
    }
}

extension DatabaseError {
    /// The error SQLite last recorded on `handle`; read it before any other call on the
    /// connection, which would overwrite it.
    static func last(on handle: OpaquePointer?, code: Int32, sql: String? = nil) -> DatabaseError {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? code
        // The connection's extended code can be stale when the failing call did not set it.
        let consistent = (extended & 0xFF) == (code & 0xFF) ? extended : code
        return DatabaseError(extendedCode: consistent, message: message, sql: sql)
    }

    static func misuse(_ message: String, sql: String? = nil) -> DatabaseError {
        DatabaseError(extendedCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    static func mismatch(_ message: String, sql: String? = nil) -> DatabaseError {
        DatabaseError(extendedCode: SQLITE_MISMATCH, message: message, sql: sql)
    }
}
