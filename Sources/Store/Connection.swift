import CSQLite

/// An open SQLite connection, handed out by `Database` while its lock is held.
///
/// Not `Sendable` and not meant to outlive the closure that received it: every use happens
/// under the `Database` lock, which is what makes the whole `Database` safe to share.
public final class Connection {
    private(set) var handle: OpaquePointer?

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        close()
    }

    /// Closes the connection; statements still alive keep it as a zombie until they are freed,
    /// and refuse to run in the meantime.
    func close() {
        guard let handle else { return }
        self.handle = nil
        sqlite3_close_v2(handle)
    }

    func openHandle(for sql: String?) throws -> OpaquePointer {
        guard let handle else { throw DatabaseError.misuse("database is closed", sql: sql) }
        return handle
    }

    /// Prepares one SQL statement.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs a script of one or more statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        let db = try openHandle(for: sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(db, sql, nil, nil, &errorMessage)
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(errorMessage)
            let extended = sqlite3_extended_errcode(db)
            throw DatabaseError(
                extendedCode: (extended & 0xFF) == (code & 0xFF) ? extended : code, message: message, sql: sql)
        }
    }

    /// Runs one statement that returns no rows and reports how many rows it changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
        return changes
    }

    /// Runs one query and maps each row with `transform`, in the order SQLite returns them.
    public func query<Element>(
        _ sql: String, _ values: [SQLValue] = [], _ transform: (Row) throws -> Element
    ) throws -> [Element] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [Element] = []
        let row = Row(statement: statement)
        while try statement.step() {
            rows.append(try transform(row))
        }
        return rows
    }

    /// The single value of a one-row, one-column query, or `nil` when it returned no row.
    public func scalar<Value: SQLValueConvertible>(
        _ sql: String, _ values: [SQLValue] = [], as type: Value.Type = Value.self
    ) throws -> Value? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step() else { return nil }
        let value = try statement.column(0, as: type)
        // Stepping to the end is what commits an autocommitted UPDATE … RETURNING; leaving
        // that to finalize would swallow a failed commit.
        while try statement.step() {}
        return value
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int {
        handle.map { Int(sqlite3_changes64($0)) } ?? 0
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    /// Runs `body` atomically: it commits when `body` returns and rolls back when it throws.
    ///
    /// The outermost level is `BEGIN IMMEDIATE`, which takes the write lock up front so two
    /// processes cannot both read and then fail to upgrade. Nested calls become savepoints, so
    /// helpers that need atomicity compose with callers that already opened a transaction.
    @discardableResult
    public func transaction<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        let nested = isInTransaction
        try execute(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE")
        let result: Result
        do {
            result = try body(self)
        } catch {
            // The original error matters more than a failure to roll back, which SQLite
            // resolves anyway by rolling back when the connection closes.
            if nested {
                try? execute("ROLLBACK TO nested; RELEASE nested")
            } else if isInTransaction {
                try? execute("ROLLBACK")
            }
            throw error
        }
        do {
            try execute(nested ? "RELEASE nested" : "COMMIT")
        } catch {
            if !nested, isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
        return result
    }

    /// The schema version kept in the file header (`PRAGMA user_version`).
    public func userVersion() throws -> Int {
        try scalar("PRAGMA user_version", as: Int.self) ?? 0
    }

    func setUserVersion(_ version: Int) throws {
        // PRAGMA takes no parameters; the value is an integer, so formatting it is safe.
        try execute("PRAGMA user_version = \(version)")
    }
}
