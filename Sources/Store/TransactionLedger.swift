/// The charger's transactions and every operator's messages about them, in typed tables,
/// changed only in whole commits.
///
/// A transaction event and its message for every operator are one `commit`: a power cut
/// leaves either all of them or none, so no operator can have a transaction's later
/// messages without its StartTransaction queued ahead of them. Each operator's view of a
/// transaction (its StartTransaction queued, its transactionId known, or given up) lives in
/// `operator_transaction` and changes in the same commit as the queue.
public struct TransactionLedger: Sendable {
    /// The queue the messages go to; the ledger shares its database.
    public let queue: MessageQueue
    public var database: Database { queue.database }

    static let lastRefCounter = "last transaction"
    static let energyNamespace = "energy"
    static func abandonedCounter(_ operatorName: String) -> String { "abandoned starts/\(operatorName)" }

    public init(queue: MessageQueue) {
        self.queue = queue
    }

    // MARK: The charger's transactions

    /// The transactions that were running when the records were last written, oldest first.
    public func openTransactions() throws -> [StoredTransaction] {
        try database.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM charger_transaction ORDER BY ref", [], Self.record(from:))
        }
    }

    /// The last transaction number ever handed out, so that none is used twice.
    public func lastRef() throws -> Int64 {
        try database.withConnection { connection in
            try connection.scalar(
                "SELECT value FROM counter WHERE name = ?", [.text(Self.lastRefCounter)], as: Int64.self) ?? 0
        }
    }

    /// The energy registers as last written, by connector number.
    public func registers() throws -> [Int: Int64] {
        try database.withConnection { connection in
            let rows = try connection.query(
                "SELECT key, value FROM key_value WHERE namespace = ?", [.text(Self.energyNamespace)]
            ) { row in (try row.column(0, as: String.self), try row.column(1, as: String.self)) }
            var registers: [Int: Int64] = [:]
            for (key, value) in rows {
                if let connector = Int(key), let wattHours = Int64(value) { registers[connector] = wattHours }
            }
            return registers
        }
    }

    /// Writes `write` in one commit: records, then each message (a StartTransaction first
    /// for an operator that was never told of its transaction), then the ended records go.
    public func commit(_ write: TransactionWrite, at now: Int64) throws {
        guard !write.isEmpty else { return }
        try database.transaction { connection in
            for record in write.records {
                try Self.save(record, in: connection)
            }
            for message in write.messages {
                try enqueue(message, at: now, in: connection)
            }
            for ref in write.ended {
                try connection.run("DELETE FROM charger_transaction WHERE ref = ?", [.integer(ref)])
            }
            for (connector, wattHours) in write.registers {
                try connection.run(
                    "INSERT OR REPLACE INTO key_value (namespace, key, value) VALUES (?, ?, ?)",
                    [.text(Self.energyNamespace), .text(String(connector)), .text(String(wattHours))])
            }
        }
    }

    private static func save(_ record: StoredTransaction, in connection: Connection) throws {
        try connection.run(
            """
            INSERT OR REPLACE INTO charger_transaction (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(record.ref), .integer(Int64(record.connector)), .text(record.idTag), SQLValue(record.parentIdTag),
             .integer(record.meterStart), .integer(record.startedAt), SQLValue(record.reservationId.map(Int64.init)),
             SQLValue(record.authority), .integer(record.lastMeter), .integer(record.lastMeterAt),
             .integer(record.lastReportedAt), .integer(record.deauthorized ? 1 : 0)])
        try connection.run(
            """
            INSERT INTO counter (name, value) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)
            """,
            [.text(lastRefCounter), .integer(record.ref)])
    }

    private func enqueue(_ message: TransactionMessage, at now: Int64, in connection: Connection) throws {
        let known = try connection.scalar(
            "SELECT 1 FROM operator_transaction WHERE operator = ? AND ref = ?",
            [.text(message.operatorName), .integer(message.ref)], as: Int.self) != nil
        if message.kind == .startTransaction {
            // Told already (a late joiner caught up meanwhile): never twice.
            guard !known else { return }
            try queueStart(message.payload, ref: message.ref, for: message.operatorName, at: now, in: connection)
            return
        }
        if !known, let start = message.startIfUnknown {
            try queueStart(start, ref: message.ref, for: message.operatorName, at: now, in: connection)
        }
        try queue.enqueue(
            operator: message.operatorName, action: message.action, payload: message.payload, kind: message.kind,
            transactionRef: message.ref, at: now, in: connection)
    }

    private func queueStart(_ payload: [UInt8], ref: Int64, for operatorName: String, at now: Int64, in connection: Connection) throws {
        try queue.enqueue(
            operator: operatorName, action: "StartTransaction", payload: payload, kind: .startTransaction,
            transactionRef: ref, at: now, in: connection)
        try connection.run(
            "INSERT INTO operator_transaction (operator, ref, state) VALUES (?, ?, 'queued')",
            [.text(operatorName), .integer(ref)])
    }

    /// Queues the StartTransaction of each running transaction that `operatorName` has not
    /// been told of; one commit. Returns the refs caught up.
    @discardableResult
    public func catchUp(_ operatorName: String, starts: [(ref: Int64, payload: [UInt8])], at now: Int64) throws -> [Int64] {
        try database.transaction { connection in
            var queued: [Int64] = []
            for start in starts {
                let known = try connection.scalar(
                    "SELECT 1 FROM operator_transaction WHERE operator = ? AND ref = ?",
                    [.text(operatorName), .integer(start.ref)], as: Int.self) != nil
                // Only transactions still running: one that ended meanwhile needs no start.
                let running = try connection.scalar(
                    "SELECT 1 FROM charger_transaction WHERE ref = ?", [.integer(start.ref)], as: Int.self) != nil
                guard !known, running else { continue }
                try queueStart(start.payload, ref: start.ref, for: operatorName, at: now, in: connection)
                queued.append(start.ref)
            }
            return queued
        }
    }

    // MARK: Each operator's view

    public func state(of ref: Int64, for operatorName: String) throws -> OperatorTransactionState {
        try database.withConnection { connection in
            let rows = try connection.query(
                "SELECT state, transaction_id FROM operator_transaction WHERE operator = ? AND ref = ?",
                [.text(operatorName), .integer(ref)]
            ) { row in (try row.column(0, as: String.self), try row.column(1, as: Int64?.self)) }
            guard let (state, id) = rows.first else { return .unknown }
            switch state {
            case "known":
                guard let id, let value = Int(exactly: id) else { return .unknown }
                return .known(value)
            case "abandoned": return .abandoned
            default: return .queued
            }
        }
    }

    /// The transaction `operatorName` calls `transactionId`, if it gave that id.
    public func ref(of transactionId: Int, for operatorName: String) throws -> Int64? {
        try database.withConnection { connection in
            try connection.scalar(
                "SELECT ref FROM operator_transaction WHERE operator = ? AND transaction_id = ? ORDER BY ref DESC LIMIT 1",
                [.text(operatorName), .integer(Int64(transactionId))], as: Int64.self)
        }
    }

    /// Every transactionId `operatorName` gave, by transaction number.
    public func transactionIds(for operatorName: String) throws -> [Int64: Int] {
        try database.withConnection { connection in
            let rows = try connection.query(
                "SELECT ref, transaction_id FROM operator_transaction WHERE operator = ? AND state = 'known'",
                [.text(operatorName)]
            ) { row in (try row.column(0, as: Int64.self), try row.column(1, as: Int64.self)) }
            var ids: [Int64: Int] = [:]
            for (ref, id) in rows { if let id = Int(exactly: id) { ids[ref] = id } }
            return ids
        }
    }

    /// The StartTransaction `messageId` was answered with `transactionId`: the id is kept
    /// and the message leaves the queue in one commit.
    public func startConfirmed(ref: Int64, transactionId: Int, for operatorName: String, messageId: QueuedMessage.ID) throws {
        try database.transaction { connection in
            try connection.run(
                """
                INSERT INTO operator_transaction (operator, ref, state, transaction_id) VALUES (?, ?, 'known', ?)
                ON CONFLICT (operator, ref) DO UPDATE SET state = 'known', transaction_id = excluded.transaction_id
                """,
                [.text(operatorName), .integer(ref), .integer(Int64(transactionId))])
            try connection.run("DELETE FROM message_queue WHERE sequence = ?", [.integer(messageId.rawValue)])
        }
    }

    /// The StartTransaction `messageId` was given up: the operator will never know the
    /// transaction; counted, and its later messages are dropped when they come up.
    public func startAbandoned(ref: Int64, for operatorName: String, messageId: QueuedMessage.ID) throws {
        try database.transaction { connection in
            try connection.run(
                """
                INSERT INTO operator_transaction (operator, ref, state) VALUES (?, ?, 'abandoned')
                ON CONFLICT (operator, ref) DO UPDATE SET state = 'abandoned', transaction_id = NULL
                """,
                [.text(operatorName), .integer(ref)])
            try connection.run(
                """
                INSERT INTO counter (name, value) VALUES (?, 1)
                ON CONFLICT (name) DO UPDATE SET value = value + 1
                """,
                [.text(Self.abandonedCounter(operatorName))])
            try connection.run("DELETE FROM message_queue WHERE sequence = ?", [.integer(messageId.rawValue)])
        }
    }

    /// A transaction's last message to `operatorName` is through (or given up, or dropped):
    /// the operator's record of it and the message go in one commit.
    public func finished(ref: Int64, for operatorName: String, messageId: QueuedMessage.ID) throws {
        try database.transaction { connection in
            try connection.run(
                "DELETE FROM operator_transaction WHERE operator = ? AND ref = ?", [.text(operatorName), .integer(ref)])
            try connection.run("DELETE FROM message_queue WHERE sequence = ?", [.integer(messageId.rawValue)])
        }
    }

    /// How many StartTransactions to `operatorName` were given up, ever.
    public func abandonedStarts(for operatorName: String) throws -> Int {
        try database.withConnection { connection in
            try connection.scalar(
                "SELECT value FROM counter WHERE name = ?", [.text(Self.abandonedCounter(operatorName))], as: Int.self) ?? 0
        }
    }

    /// Removes everything of an operator that left the list: its queue and its ids.
    public func forget(_ operatorName: String) throws {
        try database.transaction { connection in
            try connection.run("DELETE FROM message_queue WHERE operator = ?", [.text(operatorName)])
            try connection.run("DELETE FROM operator_transaction WHERE operator = ?", [.text(operatorName)])
        }
    }

    // MARK: Order against other messages

    /// The sequence number of the newest message ever queued: a status sent after every
    /// message up to it follows the events it reports.
    public func latestSequence() throws -> Int64 {
        try database.withConnection { connection in
            try connection.scalar(
                "SELECT seq FROM sqlite_sequence WHERE name = 'message_queue'", [], as: Int64.self) ?? 0
        }
    }

    /// Whether `operatorName` still has a message queued at or before `sequence`.
    public func hasQueued(for operatorName: String, upTo sequence: Int64, after: Int64? = nil) throws -> Bool {
        try database.withConnection { connection in
            try connection.scalar(
                "SELECT 1 FROM message_queue WHERE operator = ? AND sequence <= ? AND sequence > ? LIMIT 1",
                [.text(operatorName), .integer(sequence), .integer(after ?? Int64.min)], as: Int.self) != nil
        }
    }

    private static let columns = """
        ref, connector, id_tag, parent_id_tag, meter_start, started_at, reservation_id, authority, \
        last_meter, last_meter_at, last_reported_at, deauthorized
        """

    private static func record(from row: Row) throws -> StoredTransaction {
        let connector = try row.column(1, as: Int64.self)
        let reservation = try row.column(6, as: Int64?.self)
        guard let connectorNumber = Int(exactly: connector) else {
            throw DatabaseError.mismatch("connector \(connector) out of range")
        }
        return StoredTransaction(
            ref: try row.column(0), connector: connectorNumber, idTag: try row.column(2), parentIdTag: try row.column(3),
            meterStart: try row.column(4), startedAt: try row.column(5), reservationId: reservation.flatMap { Int(exactly: $0) },
            authority: try row.column(7), lastMeter: try row.column(8), lastMeterAt: try row.column(9),
            lastReportedAt: try row.column(10), deauthorized: try row.column(11))
    }
}
