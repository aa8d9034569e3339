/// The tables of the charger's transactions and of each operator's view of them, and the
/// migration that moves the earlier JSON records (key/value namespaces `transactions` and
/// `txids/<operator>`) into them.
enum TransactionTables {
    static let migration = """
        CREATE TABLE charger_transaction (
            ref INTEGER PRIMARY KEY CHECK (ref > 0),
            connector INTEGER NOT NULL CHECK (connector > 0),
            id_tag TEXT NOT NULL,
            parent_id_tag TEXT,
            meter_start INTEGER NOT NULL CHECK (meter_start >= 0),
            started_at INTEGER NOT NULL,
            reservation_id INTEGER,
            authority TEXT,
            last_meter INTEGER NOT NULL,
            last_meter_at INTEGER NOT NULL,
            -- The latest timestamp of a meter value queued for any operator: a stop after a
            -- power cut is never stamped earlier.
            last_reported_at INTEGER NOT NULL,
            deauthorized INTEGER NOT NULL DEFAULT 0 CHECK (deauthorized IN (0, 1))
        );
        CREATE TABLE counter (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- One row per operator and transaction from the moment its StartTransaction is
        -- queued for that operator until its StopTransaction is through.
        CREATE TABLE operator_transaction (
            operator TEXT NOT NULL,
            ref INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'known', 'abandoned')),
            transaction_id INTEGER,
            CHECK ((state = 'known') = (transaction_id IS NOT NULL)),
            PRIMARY KEY (operator, ref)
        ) WITHOUT ROWID;
        CREATE INDEX operator_transaction_by_id ON operator_transaction (operator, transaction_id);

        INSERT INTO charger_transaction
            (ref, connector, id_tag, parent_id_tag, meter_start, started_at, reservation_id, authority,
             last_meter, last_meter_at, last_reported_at, deauthorized)
        SELECT CAST(key AS INTEGER),
            json_extract(value, '$.connector'),
            json_extract(value, '$.idTag'),
            json_extract(value, '$.parentIdTag'),
            json_extract(value, '$.meterStart'),
            CAST(round((julianday(json_extract(value, '$.startedAt')) - 2440587.5) * 86400000) AS INTEGER),
            json_extract(value, '$.reservationId'),
            json_extract(value, '$.authority'),
            coalesce(json_extract(value, '$.lastMeter'), json_extract(value, '$.meterStart')),
            CAST(round((julianday(coalesce(json_extract(value, '$.lastMeterAt'), json_extract(value, '$.startedAt')))
                - 2440587.5) * 86400000) AS INTEGER),
            CAST(round((julianday(coalesce(json_extract(value, '$.lastMeterAt'), json_extract(value, '$.startedAt')))
                - 2440587.5) * 86400000) AS INTEGER),
            coalesce(json_extract(value, '$.deauthorized'), 0)
        FROM key_value
        WHERE namespace = 'transactions' AND key <> 'last' AND json_valid(value)
            AND CAST(key AS INTEGER) > 0;
        INSERT INTO counter (name, value)
        SELECT 'last transaction', max(coalesce(
            (SELECT CAST(value AS INTEGER) FROM key_value WHERE namespace = 'transactions' AND key = 'last'), 0),
            coalesce((SELECT max(ref) FROM charger_transaction), 0));
        INSERT OR IGNORE INTO operator_transaction (operator, ref, state, transaction_id)
        SELECT substr(namespace, 7), CAST(key AS INTEGER), 'known', CAST(value AS INTEGER)
        FROM key_value WHERE namespace LIKE 'txids/%';
        INSERT OR IGNORE INTO operator_transaction (operator, ref, state, transaction_id)
        SELECT operator, transaction_ref, 'queued', NULL
        FROM message_queue WHERE kind = 'startTransaction' AND transaction_ref IS NOT NULL;
        DELETE FROM key_value WHERE namespace = 'transactions' OR namespace LIKE 'txids/%';
        """
}
