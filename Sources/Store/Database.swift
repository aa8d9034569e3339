import CSQLite
import Synchronization

/// A SQLite database file opened for durable, crash-safe writes, shareable across tasks.
///
/// Settings applied on open, and why:
/// - `journal_mode=WAL`: a commit appends to the write-ahead log, so a crash mid-write leaves
///   the main file intact and the torn tail of the log is discarded on the next open.
/// - `synchronous=FULL`: every commit is fsynced, so a commit that returned survives a power
///   cut, not just a process crash. Chargers lose power; this is worth the write latency.
/// - `foreign_keys=ON`: SQLite leaves them off by default.
/// - a busy timeout, so a second process (the CLI reading status) waits instead of failing.
///
/// One connection, guarded by a mutex: SQLite serializes writers anyway, and one lock makes
/// every method safe to call from any task. Closures given to `withConnection` and
/// `transaction` run with the lock held, so they must not call back into the same `Database`.
public final class Database: Sendable {
    /// The file path given to `init`.
    public let path: String
    private let lock = Mutex<Void>(())
    // Touched only while `lock` is held. It lives outside the mutex because the closures of
    // `withConnection` receive it, and a mutex's value may not be shared with a caller.
    private nonisolated(unsafe) var connection: Connection?

    /// Opens (creating if needed) the database file at `path`; its directory must exist.
    ///
    /// - Parameter busyTimeout: how long to wait for another process's write lock.
    /// - Throws: `DatabaseError`, e.g. `.cannotOpen` for a missing directory or
    ///   `.notADatabase` for a file that is not SQLite.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let error = DatabaseError.last(on: handle, code: code, sql: nil)
            // SQLite allocates a handle even when opening fails; it still has to be released.
            sqlite3_close_v2(handle)
            throw DatabaseError(
                extendedCode: error.extendedCode, message: "cannot open \(path): \(error.message)", sql: nil)
        }
        sqlite3_extended_result_codes(handle, 1)
        let milliseconds = busyTimeout.components.seconds * 1000
            + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))

        let opened = Connection(handle: handle)
        try Self.configure(opened, path: path)
        connection = opened
    }

    private static func configure(_ connection: Connection, path: String) throws {
        let mode = try connection.scalar("PRAGMA journal_mode = WAL", as: String.self)?.lowercased()
        // An in-memory database has no journal file to switch; everything else must be WAL.
        guard mode == "wal" || (path == ":memory:" && mode == "memory") else {
            throw DatabaseError(
                extendedCode: SQLITE_ERROR, message: "journal_mode WAL refused (got \(mode ?? "nothing"))", sql: nil)
        }
        try connection.execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")
        // Both pragmas are silently ignored inside a transaction or on old builds; verify.
        guard try connection.scalar("PRAGMA synchronous", as: Int.self) == 2,
            try connection.scalar("PRAGMA foreign_keys", as: Int.self) == 1
        else {
            throw DatabaseError(extendedCode: SQLITE_ERROR, message: "synchronous/foreign_keys not applied", sql: nil)
        }
    }

    deinit {
        close()
    }

    /// Closes the file. Later calls throw `DatabaseError` with code `.misuse`. Idempotent.
    public func close() {
        lock.withLock { _ in
            connection?.close()
            connection = nil
        }
    }

    /// Runs `body` with the connection, holding the lock; no transaction is opened, so each
    /// statement commits on its own.
    @discardableResult
    public func withConnection<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try lock.withLock { _ in
            guard let connection else { throw DatabaseError.misuse("database is closed") }
            return try body(connection)
        }
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE` … `COMMIT`), rolled back if it throws.
    /// When this returns, the changes are on disk.
    @discardableResult
    public func transaction<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try withConnection { connection in
            try connection.transaction(body)
        }
    }

    /// Runs a script of statements without parameters, outside any transaction.
    public func execute(_ sql: String) throws {
        try withConnection { try $0.execute(sql) }
    }

    /// Brings the schema up to date: applies, in order, the migrations past the file's
    /// `user_version` and records the new version, all in one transaction.
    ///
    /// Safe to call on every start-up and by several components: migrations already applied
    /// are skipped. A file whose version is newer than `migrations` (written by a newer
    /// build) is refused rather than used with a schema this code does not know.
    ///
    /// - Returns: the schema version now in force (`migrations.count`).
    @discardableResult
    public func migrate(_ migrations: [Migration]) throws -> Int {
        try transaction { connection in
            let current = try connection.userVersion()
            guard current <= migrations.count else {
                throw DatabaseError(
                    extendedCode: SQLITE_ERROR,
                    message: "schema version \(current) is newer than the \(migrations.count) known here",
                    sql: nil)
            }
            for (index, migration) in migrations.enumerated().dropFirst(current) {
                do {
                    try migration.apply(connection)
                } catch let error as DatabaseError {
                    throw DatabaseError(
                        extendedCode: error.extendedCode,
                        message: "migration \(index + 1) (\(migration.name)): \(error.message)", sql: error.sql)
                }
                try connection.setUserVersion(index + 1)
            }
            return migrations.count
        }
    }
}

/// One step of a schema's history. Never edit a step that has shipped: append a new one.
public struct Migration: Sendable {
    /// A short description for error messages.
    public let name: String
    let apply: @Sendable (Connection) throws -> Void

    /// A step that runs a SQL script.
    public init(_ name: String, sql: String) {
        self.name = name
        self.apply = { try $0.execute(sql) }
    }

    /// A step that needs code, e.g. to rewrite rows.
    public init(_ name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.name = name
        self.apply = apply
    }
}
