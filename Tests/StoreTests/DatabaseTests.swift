import Foundation
import Testing

@testable import Store

@Suite("Database")
struct DatabaseTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("test.db")
    }

    @Test("opening applies WAL, synchronous=FULL and foreign keys")
    func pragmas() throws {
        let database = try Database(path: path)
        let settings = try database.withConnection { connection in
            (
                try connection.scalar("PRAGMA journal_mode", as: String.self),
                try connection.scalar("PRAGMA synchronous", as: Int.self),
                try connection.scalar("PRAGMA foreign_keys", as: Int.self)
            )
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == 2)
        #expect(settings.2 == 1)
    }

    @Test("every storage class round-trips through bind and read")
    func roundTrip() throws {
        let database = try Database(path: path)
        try database.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
        let samples: [(Int64, Double, String, [UInt8])] = [
            (Int64.min, -0.5, "", []),
            (Int64.max, 1e300, "naïve ☃ \u{0}after-nul", [0, 255, 0]),
            (0, 3, "'; DROP TABLE t; --", Array(0...255)),
        ]
        let rows = try database.transaction { connection in
            for sample in samples {
                try connection.run(
                    "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                    [.integer(sample.0), .real(sample.1), .text(sample.2), .blob(sample.3), nil])
            }
            return try connection.query("SELECT i, r, s, b, n FROM t ORDER BY rowid") { row in
                (
                    try row.column(0, as: Int64.self), try row.column(1, as: Double.self),
                    try row.column(2, as: String.self), try row.column(3, as: [UInt8].self),
                    try row.column(4, as: String?.self)
                )
            }
        }
        #expect(rows.count == samples.count)
        for (row, sample) in zip(rows, samples) {
            #expect(row.0 == sample.0)
            #expect(row.1 == sample.1)
            #expect(row.2 == sample.2)
            #expect(row.3 == sample.3)
            #expect(row.4 == nil)
        }
    }

    @Test("bad SQL throws a DatabaseError carrying SQLite's code and message")
    func badSQL() throws {
        let database = try Database(path: path)
        let error = try #require(throws: DatabaseError.self) { try database.execute("SELEKT 1") }
        #expect(error.code == .error)
        #expect(error.message.contains("syntax error"))

        let prepared = try #require(throws: DatabaseError.self) {
            try database.withConnection { try $0.run("INSERT INTO missing VALUES (1)") }
        }
        #expect(prepared.message.contains("no such table"))
        #expect(prepared.sql == "INSERT INTO missing VALUES (1)")

        #expect(throws: DatabaseError.self) {
            try database.withConnection { try $0.run("SELECT 1; SELECT 2") }
        }
        #expect(throws: DatabaseError.self) {
            try database.withConnection { try $0.run("   ") }
        }
    }

    @Test("misused statements throw instead of crashing")
    func misuse() throws {
        let database = try Database(path: path)
        try database.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
        try database.withConnection { connection in
            let tooFew = try #require(throws: DatabaseError.self) { try connection.run("SELECT ?, ?", [1]) }
            #expect(tooFew.code == .range)

            let mismatch = try #require(throws: DatabaseError.self) {
                try connection.scalar("SELECT 'text'", as: Int64.self)
            }
            #expect(mismatch.code == .mismatch)
            #expect(throws: DatabaseError.self) { try connection.scalar("SELECT NULL", as: String.self) }

            let statement = try connection.prepare("SELECT 1")
            let beforeStep = try #require(throws: DatabaseError.self) { try statement.value(at: 0) }
            #expect(beforeStep.code == .misuse)
            #expect(try statement.step())
            let outOfRange = try #require(throws: DatabaseError.self) { try statement.value(at: 1) }
            #expect(outOfRange.code == .range)
            #expect(try !statement.step())
            #expect(throws: DatabaseError.self) { try statement.value(at: 0) }

            try connection.run("INSERT INTO t VALUES (1)")
            let duplicate = try #require(throws: DatabaseError.self) { try connection.run("INSERT INTO t VALUES (1)") }
            #expect(duplicate.code == .constraint)
            let null = try #require(throws: DatabaseError.self) { try connection.run("INSERT INTO t VALUES (NULL)") }
            #expect(null.code == .constraint)
        }
    }

    @Test("a statement kept past close refuses to run")
    func statementAfterClose() throws {
        let database = try Database(path: path)
        let statement = try database.withConnection { try $0.prepare("SELECT 1") }
        database.close()
        let error = try #require(throws: DatabaseError.self) { try statement.step() }
        #expect(error.code == .misuse)
        #expect(throws: DatabaseError.self) { try database.execute("SELECT 1") }
    }

    @Test("a transaction commits on return and rolls back on throw")
    func transactions() throws {
        struct Abort: Error {}
        let database = try Database(path: path)
        try database.execute("CREATE TABLE t (x INTEGER)")
        try database.transaction { try $0.run("INSERT INTO t VALUES (1)") }
        #expect(throws: Abort.self) {
            try database.transaction { connection in
                try connection.run("INSERT INTO t VALUES (2)")
                throw Abort()
            }
        }
        try database.transaction { connection in
            try connection.run("INSERT INTO t VALUES (3)")
            // An inner failure undoes only the inner part.
            _ = try? connection.transaction { inner in
                try inner.run("INSERT INTO t VALUES (4)")
                throw Abort()
            }
            #expect(connection.isInTransaction)
        }
        let values = try database.withConnection { connection in
            try connection.query("SELECT x FROM t ORDER BY x") { try $0.column(0, as: Int.self) }
        }
        #expect(values == [1, 3])
        #expect(try database.withConnection { $0.isInTransaction } == false)
    }

    @Test("migrations run once, in order, and refuse a newer schema")
    func migrations() throws {
        let first = Migration("one", sql: "CREATE TABLE a (x INTEGER)")
        let second = Migration("two", sql: "CREATE TABLE b (x INTEGER)")
        let database = try Database(path: path)
        #expect(try database.migrate([first]) == 1)
        #expect(try database.migrate([first, second]) == 2)
        #expect(try database.migrate([first, second]) == 2)
        #expect(try database.withConnection { try $0.userVersion() } == 2)

        let newer = try #require(throws: DatabaseError.self) { try database.migrate([first]) }
        #expect(newer.message.contains("newer"))
    }

    @Test("a failing migration leaves the schema untouched")
    func failingMigration() throws {
        let database = try Database(path: path)
        let good = Migration("good", sql: "CREATE TABLE a (x INTEGER)")
        let bad = Migration("bad", sql: "CREATE TABLE oops (")
        let error = try #require(throws: DatabaseError.self) { try database.migrate([good, bad]) }
        #expect(error.message.contains("bad"))
        #expect(try database.withConnection { try $0.userVersion() } == 0)
        let tables = try database.withConnection { connection in
            try connection.query("SELECT name FROM sqlite_master WHERE type = 'table'") {
                try $0.column(0, as: String.self)
            }
        }
        #expect(tables.isEmpty)
    }

    @Test("data survives closing and reopening the file")
    func reopen() throws {
        do {
            let database = try Database(path: path)
            try database.execute("CREATE TABLE t (x TEXT)")
            try database.withConnection { try $0.run("INSERT INTO t VALUES (?)", ["kept"]) }
            database.close()
        }
        let reopened = try Database(path: path)
        #expect(try reopened.withConnection { try $0.scalar("SELECT x FROM t", as: String.self) } == "kept")
    }

    @Test("unusable paths and files are reported, not crashed on")
    func badFiles() throws {
        let missing = try #require(throws: DatabaseError.self) {
            try Database(path: directory.path("no/such/dir/test.db"))
        }
        #expect(missing.code == .cannotOpen)

        let garbage = directory.path("garbage.db")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let notDatabase = try #require(throws: DatabaseError.self) { try Database(path: garbage) }
        #expect(notDatabase.code == .notADatabase)
    }

    @Test("the database can be shared by concurrent tasks")
    func concurrentUse() async throws {
        let database = try Database(path: path)
        try database.execute("CREATE TABLE t (x INTEGER)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for step in 0..<25 {
                        try database.transaction { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(task * 100 + step))]) }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try database.withConnection { try $0.scalar("SELECT COUNT(DISTINCT x) FROM t", as: Int.self) } == 200)
    }
}
