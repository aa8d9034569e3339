/// A small durable table of string settings, grouped by namespace.
///
/// Meant for configuration keys (one namespace per operator, say) and the operator list.
/// Each call commits before it returns; `set(many:namespace:)` and `replaceAll(namespace:with:)`
/// change several keys in one transaction, so after a crash either all of them changed or
/// none did. Keys must be non-empty; values may be empty.
public struct KeyValueStore: Sendable {
    /// The database the table lives in.
    public let database: Database

    /// Opens the store in `database`, creating or upgrading its table.
    public init(database: Database) throws {
        try database.migrate(StoreSchema.migrations)
        self.database = database
    }

    /// The value of `key` in `namespace`, or `nil` when it is not set.
    public func get(namespace: String, key: String) throws -> String? {
        try database.withConnection { connection in
            try connection.scalar(
                "SELECT value FROM key_value WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)],
                as: String.self)
        }
    }

    /// Sets one key, replacing any previous value.
    public func set(namespace: String, key: String, value: String) throws {
        try set(many: [key: value], namespace: namespace)
    }

    /// Sets several keys of `namespace` atomically: if any write fails (an empty key, a full
    /// disk), none of them is changed.
    public func set(many values: [String: String], namespace: String) throws {
        try database.transaction { connection in
            try Self.write(values, namespace: namespace, in: connection)
        }
    }

    /// Sets keys of several namespaces in one transaction.
    public func set(namespaces: [String: [String: String]]) throws {
        try database.transaction { connection in
            for (namespace, values) in namespaces {
                try Self.write(values, namespace: namespace, in: connection)
            }
        }
    }

    /// Makes `values` the whole content of `namespace` atomically: keys not in `values` are
    /// removed in the same transaction.
    public func replaceAll(namespace: String, with values: [String: String]) throws {
        try database.transaction { connection in
            try connection.run("DELETE FROM key_value WHERE namespace = ?", [.text(namespace)])
            try Self.write(values, namespace: namespace, in: connection)
        }
    }

    /// Removes one key.
    ///
    /// - Returns: whether the key was set.
    @discardableResult
    public func remove(namespace: String, key: String) throws -> Bool {
        try database.withConnection { connection in
            try connection.run(
                "DELETE FROM key_value WHERE namespace = ? AND key = ?", [.text(namespace), .text(key)]) > 0
        }
    }

    /// Removes every key of `namespace`.
    ///
    /// - Returns: how many keys were removed.
    @discardableResult
    public func removeAll(namespace: String) throws -> Int {
        try database.withConnection { connection in
            try connection.run("DELETE FROM key_value WHERE namespace = ?", [.text(namespace)])
        }
    }

    /// Every key and value of `namespace`.
    public func all(namespace: String) throws -> [String: String] {
        try database.withConnection { connection in
            let pairs = try connection.query(
                "SELECT key, value FROM key_value WHERE namespace = ?", [.text(namespace)]
            ) { row in
                (try row.column(0, as: String.self), try row.column(1, as: String.self))
            }
            return Dictionary(pairs, uniquingKeysWith: { _, last in last })
        }
    }

    /// Every namespace that starts with `prefix`, with its keys and values.
    public func all(namespacesStartingWith prefix: String) throws -> [String: [String: String]] {
        try database.withConnection { connection in
            let rows = try connection.query(
                "SELECT namespace, key, value FROM key_value WHERE substr(namespace, 1, length(?1)) = ?1", [.text(prefix)]
            ) { row in
                (try row.column(0, as: String.self), try row.column(1, as: String.self), try row.column(2, as: String.self))
            }
            var namespaces: [String: [String: String]] = [:]
            for (namespace, key, value) in rows { namespaces[namespace, default: [:]][key] = value }
            return namespaces
        }
    }

    private static func write(_ values: [String: String], namespace: String, in connection: Connection) throws {
        let upsert = try connection.prepare(
            """
            INSERT INTO key_value (namespace, key, value) VALUES (?, ?, ?)
            ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value
            """)
        // Sorted so that a failure always hits the same key first, whatever the hash seed.
        for key in values.keys.sorted() {
            try upsert.bind([.text(namespace), .text(key), .text(values[key] ?? "")])
            while try upsert.step() {}
        }
    }
}
