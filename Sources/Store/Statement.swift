import CSQLite

/// A prepared statement of one `Connection`.
///
/// Obtained from `Connection.prepare(_:)` and used only inside the closure that received the
/// connection: it is not `Sendable`, and it refuses (with `.misuse`) to run once the
/// connection is closed. Parameters are bound by position, columns are read by 0-based index.
public final class Statement {
    /// The SQL text this statement was prepared from.
    public let sql: String
    private let connection: Connection
    private var handle: OpaquePointer?
    // sqlite3_column_* on a statement that is not positioned on a row is undefined behaviour,
    // so reads are refused unless the last step produced a row.
    private var hasRow = false

    init(connection: Connection, sql: String) throws {
        self.connection = connection
        self.sql = sql
        let db = try connection.openHandle(for: sql)
        // The tail points into the C text, which lives only inside this
        // closure: it is read here, not after.
        let (code, prepared, trailing) = sql.withCString { text -> (Int32, OpaquePointer?, Bool) in
            var prepared: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(db, text, -1, &prepared, &tail)
            let trailing = tail.map { !String(cString: $0).allSatisfy({ $0.isWhitespace || $0 == ";" }) } ?? false
            return (code, prepared, trailing)
        }
        guard code == SQLITE_OK else {
            sqlite3_finalize(prepared)
            throw DatabaseError.last(on: db, code: code, sql: sql)
        }
        guard let prepared else {
            throw DatabaseError.misuse("no SQL statement in the text", sql: sql)
        }
        handle = prepared
        // A second statement after the first would be silently ignored; refuse it instead.
        if trailing {
            throw DatabaseError.misuse("more than one SQL statement; use Connection.execute for scripts", sql: sql)
        }
    }

    deinit {
        // Finalizing is also what frees a connection that was closed while this was alive.
        sqlite3_finalize(handle)
    }

    /// The number of `?` parameters.
    public var parameterCount: Int {
        handle.map { Int(sqlite3_bind_parameter_count($0)) } ?? 0
    }

    /// The number of columns a row of this statement has.
    public var columnCount: Int {
        handle.map { Int(sqlite3_column_count($0)) } ?? 0
    }

    /// Resets the statement and binds `values` to its parameters, in order.
    ///
    /// The count must match `parameterCount` exactly (`.range` otherwise), so a forgotten
    /// value never silently becomes NULL.
    public func bind(_ values: [SQLValue]) throws {
        let handle = try liveHandle()
        reset()
        sqlite3_clear_bindings(handle)
        guard values.count == parameterCount else {
            throw DatabaseError(
                extendedCode: SQLITE_RANGE,
                message: "statement takes \(parameterCount) parameters, \(values.count) given", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1), handle: handle)
        }
    }

    private func bind(_ value: SQLValue, at index: Int32, handle: OpaquePointer) throws {
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(handle, index)
        case .integer(let number):
            code = sqlite3_bind_int64(handle, index, number)
        case .real(let number):
            code = sqlite3_bind_double(handle, index, number)
        case .text(let text):
            var text = text
            code = text.withUTF8 { bytes in
                // A nil base address would bind NULL; an empty string must stay an empty string.
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text64(handle, index, $0, UInt64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, !raw.isEmpty else {
                    return sqlite3_bind_zeroblob(handle, index, 0)
                }
                return sqlite3_bind_blob64(handle, index, base, UInt64(raw.count), sqliteTransient)
            }
        }
        guard code == SQLITE_OK else {
            throw DatabaseError.last(on: connection.handle, code: code, sql: sql)
        }
    }

    /// Runs the statement to its next row: `true` when a row is available to read,
    /// `false` when the statement has finished.
    public func step() throws -> Bool {
        let handle = try liveHandle()
        hasRow = false
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW:
            hasRow = true
            return true
        case SQLITE_DONE:
            return false
        default:
            let error = DatabaseError.last(on: connection.handle, code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() {
        hasRow = false
        if let handle { sqlite3_reset(handle) }
    }

    /// The value of column `index` (0-based) of the current row.
    public func value(at index: Int) throws -> SQLValue {
        let handle = try rowHandle(column: index)
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            // The pointer must be fetched before the byte count, as SQLite documents.
            let text = sqlite3_column_text(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = sqlite3_column_blob(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// The value of column `index` (0-based) of the current row, as `type`.
    public func column<Value: SQLValueConvertible>(_ index: Int, as type: Value.Type = Value.self) throws -> Value {
        let raw = try value(at: index)
        do {
            return try Value(sqlValue: raw)
        } catch {
            throw DatabaseError(extendedCode: error.extendedCode, message: "column \(index): \(error.message)", sql: sql)
        }
    }

    private func liveHandle() throws -> OpaquePointer {
        guard connection.handle != nil, let handle else {
            throw DatabaseError.misuse("statement used after its database was closed", sql: sql)
        }
        return handle
    }

    private func rowHandle(column index: Int) throws -> OpaquePointer {
        let handle = try liveHandle()
        guard hasRow else {
            throw DatabaseError.misuse("no current row to read", sql: sql)
        }
        guard index >= 0, index < columnCount else {
            throw DatabaseError(
                extendedCode: SQLITE_RANGE, message: "column \(index) out of range 0..<\(columnCount)", sql: sql)
        }
        return handle
    }
}

/// One row of a query result, valid only inside the closure it was given to.
public struct Row {
    private let statement: Statement

    init(statement: Statement) {
        self.statement = statement
    }

    /// The number of columns in the row.
    public var count: Int { statement.columnCount }

    /// The raw value of column `index` (0-based).
    public func value(at index: Int) throws -> SQLValue {
        try statement.value(at: index)
    }

    /// The value of column `index` (0-based) as `type`; see `SQLValueConvertible` for the rules.
    public func column<Value: SQLValueConvertible>(_ index: Int, as type: Value.Type = Value.self) throws -> Value {
        try statement.column(index, as: type)
    }
}

/// SQLite's `SQLITE_TRANSIENT`: makes SQLite copy bound bytes before the call returns, because
/// Swift's buffers are only valid inside `withUTF8` / `withUnsafeBytes`. The C macro is a cast
/// of -1 to a function pointer, which Swift does not import.
var sqliteTransient: sqlite3_destructor_type {
    unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)
}
