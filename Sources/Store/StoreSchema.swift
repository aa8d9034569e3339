/// The history of the Chargeplex database schema, in the order it was shipped.
///
/// One list for the whole file because `user_version` is one number per file; every
/// component opening the store calls `Database.migrate(StoreSchema.migrations)`, and the steps
/// already applied are skipped. Append new steps at the end; never edit a shipped one.
public enum StoreSchema {
    /// Every migration, oldest first.
    public static let migrations: [Migration] = [
        Migration(
            "message queue",
            sql: """
                CREATE TABLE message_queue (
                    -- AUTOINCREMENT: a removed message's number is never handed out again,
                    -- so a late remove(id:) can never hit a newer message.
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    operator TEXT NOT NULL,
                    action TEXT NOT NULL,
                    kind TEXT NOT NULL
                        CHECK (kind IN ('startTransaction', 'stopTransaction', 'meterValues', 'other')),
                    payload BLOB NOT NULL,
                    transaction_ref INTEGER,
                    enqueued_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    last_attempt_at INTEGER
                );
                CREATE INDEX message_queue_by_operator ON message_queue (operator);
                CREATE INDEX message_queue_by_operator_kind ON message_queue (operator, kind);
                """),
        Migration(
            "key-value settings",
            sql: """
                CREATE TABLE key_value (
                    namespace TEXT NOT NULL,
                    key TEXT NOT NULL CHECK (length(key) > 0),
                    value TEXT NOT NULL,
                    PRIMARY KEY (namespace, key)
                ) WITHOUT ROWID;
                """),
        Migration("typed transactions", sql: TransactionTables.migration),
        Migration("typed authorization lists and caches", sql: AuthorizationStore.migration),
        Migration("typed charging profiles", sql: ChargingProfileTable.migration),
        Migration("security log", sql: SecurityLog.migration),
    ]
}
