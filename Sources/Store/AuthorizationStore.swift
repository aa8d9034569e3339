/// An idTag's verdict as it is kept on disk. Times are milliseconds since 1970.
public struct StoredIdTagInfo: Sendable, Equatable {
    public var status: String
    public var expiry: Int64?
    public var parentIdTag: String?

    public init(status: String, expiry: Int64?, parentIdTag: String?) {
        self.status = status
        self.expiry = expiry
        self.parentIdTag = parentIdTag
    }
}

/// Each operator's local authorization list and cache, one row per idTag.
/// A list or a cache is replaced whole, in one commit.
public struct AuthorizationStore: Sendable {
    public let database: Database

    /// Where a verdict came from: the operator's SendLocalList or its answers.
    public enum Source: String, Sendable, CaseIterable {
        case list
        case cache
    }

    /// The store in `database`, whose schema `StoreSchema.migrations` has brought up to date.
    public init(database: Database) {
        self.database = database
    }

    /// Makes `entries` (keyed by idTag) the whole of `operatorName`'s list or cache.
    public func replace(
        _ source: Source, of operatorName: String, version: Int? = nil, entries: [String: StoredIdTagInfo]
    ) throws {
        try database.transaction { connection in
            try connection.run(
                "DELETE FROM authorization_entry WHERE operator = ? AND source = ?",
                [.text(operatorName), .text(source.rawValue)])
            let insert = try connection.prepare(
                """
                INSERT INTO authorization_entry (operator, source, id_tag, status, expiry, parent_id_tag)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            for (idTag, info) in entries {
                try insert.bind([
                    .text(operatorName), .text(source.rawValue), .text(idTag), .text(info.status), SQLValue(info.expiry),
                    SQLValue(info.parentIdTag),
                ])
                while try insert.step() {}
                insert.reset()
            }
            if let version {
                try connection.run(
                    "INSERT OR REPLACE INTO authorization_list (operator, version) VALUES (?, ?)",
                    [.text(operatorName), .integer(Int64(version))])
            }
        }
    }

    /// Every operator's list or cache, by operator and idTag.
    public func all(_ source: Source) throws -> [String: [String: StoredIdTagInfo]] {
        try database.withConnection { connection in
            let rows = try connection.query(
                "SELECT operator, id_tag, status, expiry, parent_id_tag FROM authorization_entry WHERE source = ?",
                [.text(source.rawValue)]
            ) { row in
                (
                    try row.column(0, as: String.self), try row.column(1, as: String.self),
                    StoredIdTagInfo(status: try row.column(2), expiry: try row.column(3), parentIdTag: try row.column(4))
                )
            }
            var result: [String: [String: StoredIdTagInfo]] = [:]
            for (operatorName, idTag, info) in rows { result[operatorName, default: [:]][idTag] = info }
            return result
        }
    }

    /// Each operator's list version.
    public func listVersions() throws -> [String: Int] {
        try database.withConnection { connection in
            let rows = try connection.query("SELECT operator, version FROM authorization_list") { row in
                (try row.column(0, as: String.self), try row.column(1, as: Int64.self))
            }
            var versions: [String: Int] = [:]
            for (operatorName, version) in rows { versions[operatorName] = Int(clamping: version) }
            return versions
        }
    }

    static let migration = """
        CREATE TABLE authorization_entry (
            operator TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('list', 'cache')),
            -- In upper case: idTags compare without case.
            id_tag TEXT NOT NULL,
            status TEXT NOT NULL,
            expiry INTEGER,
            parent_id_tag TEXT,
            PRIMARY KEY (operator, source, id_tag)
        ) WITHOUT ROWID;
        CREATE TABLE authorization_list (
            operator TEXT PRIMARY KEY,
            version INTEGER NOT NULL
        ) WITHOUT ROWID;

        INSERT OR IGNORE INTO authorization_entry (operator, source, id_tag, status, expiry, parent_id_tag)
        SELECT kv.key, CASE kv.namespace WHEN 'auth/list' THEN 'list' ELSE 'cache' END, entry.key,
            json_extract(entry.value, '$.status'),
            CASE WHEN json_extract(entry.value, '$.expiryDate') IS NULL THEN NULL
                ELSE CAST(round((julianday(json_extract(entry.value, '$.expiryDate')) - 2440587.5) * 86400000) AS INTEGER) END,
            json_extract(entry.value, '$.parentIdTag')
        FROM key_value AS kv, json_each(kv.value, '$.entries') AS entry
        WHERE kv.namespace IN ('auth/list', 'auth/cache') AND json_valid(kv.value)
            AND json_extract(entry.value, '$.status') IS NOT NULL;
        INSERT OR IGNORE INTO authorization_list (operator, version)
        SELECT key, coalesce(json_extract(value, '$.version'), 0)
        FROM key_value WHERE namespace = 'auth/list' AND json_valid(value);
        DELETE FROM key_value WHERE namespace IN ('auth/list', 'auth/cache');
        """
}
