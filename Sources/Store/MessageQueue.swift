import Logging

/// The durable, ordered queue of OCPP transaction messages, one FIFO per operator.
///
/// Every operator (Central System) gets its own copy of each StartTransaction, MeterValues
/// and StopTransaction, sent strictly in order. A message stays queued until the operator's
/// CALLRESULT has arrived; only then does the sender call `remove(id:)`.
///
/// Delivery is at least once: a crash or power cut after a CALL went out but before its
/// CALLRESULT arrived and `remove(id:)` committed leaves the message queued, and it is sent
/// again after restart. Central Systems have to tolerate that duplicate; OCPP 1.6 has no way
/// to make it exactly once.
///
/// Each operator's queue is bounded by `capacityPerOperator`. When an enqueue takes it over
/// the bound, that operator's oldest MeterValues are dropped (see `MessageKind.isDroppable`).
/// Start and Stop messages are never dropped or refused, so the bound is exceeded rather than
/// lose one; if the only MeterValues left is the one just queued, it is the one dropped.
///
/// All methods commit before returning, and the type is safe to share between tasks.
public struct MessageQueue: Sendable {
    /// The outcome of `enqueue`.
    public struct EnqueueResult: Sendable {
        /// The message as stored, with its sequence number.
        public let message: QueuedMessage
        /// Messages of the same operator dropped to respect the capacity, oldest first. It can
        /// contain `message` itself when there was nothing older to drop.
        public let dropped: [QueuedMessage]

        /// Whether `message` is still in the queue.
        public var isQueued: Bool { !dropped.contains { $0.id == message.id } }
    }

    /// The database the queue lives in.
    public let database: Database
    /// The most messages one operator's queue holds before MeterValues are dropped.
    public let capacityPerOperator: Int
    private let logger: Logger

    /// Opens the queue in `database`, creating or upgrading its table.
    ///
    /// - Parameter capacityPerOperator: raised to 1 if smaller.
    public init(
        database: Database, capacityPerOperator: Int = 1000,
        logger: Logger = Logger(label: "chargeplex.store.message-queue")
    ) throws {
        try database.migrate(StoreSchema.migrations)
        self.database = database
        self.capacityPerOperator = max(1, capacityPerOperator)
        self.logger = logger
    }

    /// Appends a message to the end of `operatorName`'s queue, dropping that operator's oldest
    /// MeterValues if the queue is over capacity. Insert and drops commit together.
    ///
    /// - Parameters:
    ///   - payload: the JSON text of the CALL's payload object.
    ///   - transactionRef: the charger's local transaction number, if the message belongs to a
    ///     transaction.
    ///   - now: the current time in milliseconds since 1970.
    @discardableResult
    public func enqueue(
        operator operatorName: String, action: String, payload: [UInt8], kind: MessageKind,
        transactionRef: Int64?, at now: Int64
    ) throws -> EnqueueResult {
        try database.transaction { connection in
            try enqueue(
                operator: operatorName, action: action, payload: payload, kind: kind, transactionRef: transactionRef,
                at: now, in: connection)
        }
    }

    /// `enqueue` inside a transaction the caller holds, so that the message commits together
    /// with whatever else the caller writes.
    @discardableResult
    func enqueue(
        operator operatorName: String, action: String, payload: [UInt8], kind: MessageKind,
        transactionRef: Int64?, at now: Int64, in connection: Connection
    ) throws -> EnqueueResult {
        try connection.run(
            """
            INSERT INTO message_queue (operator, action, kind, payload, transaction_ref, enqueued_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [.text(operatorName), .text(action), .text(kind.rawValue), .blob(payload),
             SQLValue(transactionRef), .integer(now)])
        let message = QueuedMessage(
            id: QueuedMessage.ID(rawValue: connection.lastInsertRowID), operatorName: operatorName,
            action: action, kind: kind, payload: payload, transactionRef: transactionRef,
            enqueuedAt: now, attempts: 0, lastAttemptAt: nil)
        let dropped = try dropOverflow(of: operatorName, in: connection)
        if !dropped.isEmpty {
            logger.warning(
                "message queue full, dropped MeterValues",
                metadata: [
                    "operator": "\(operatorName)", "dropped": "\(dropped.count)",
                    "capacity": "\(capacityPerOperator)",
                ])
        }
        return EnqueueResult(message: message, dropped: dropped)
    }

    private func dropOverflow(of operatorName: String, in connection: Connection) throws -> [QueuedMessage] {
        let count = try connection.scalar(
            "SELECT COUNT(*) FROM message_queue WHERE operator = ?", [.text(operatorName)], as: Int.self) ?? 0
        let excess = count - capacityPerOperator
        guard excess > 0 else { return [] }
        let droppableKinds = MessageKind.allCases.filter(\.isDroppable)
        let placeholders = Array(repeating: "?", count: droppableKinds.count).joined(separator: ", ")
        let victims = try connection.query(
            """
            SELECT \(Self.columns) FROM message_queue
            WHERE operator = ? AND kind IN (\(placeholders))
            ORDER BY sequence LIMIT ?
            """,
            [.text(operatorName)] + droppableKinds.map { .text($0.rawValue) } + [.integer(Int64(excess))],
            Self.message(from:))
        let delete = try connection.prepare("DELETE FROM message_queue WHERE sequence = ?")
        for victim in victims {
            try delete.bind([.integer(victim.id.rawValue)])
            while try delete.step() {}
        }
        return victims
    }

    /// The oldest message of `operatorName`, the one to send next, or `nil` when none is queued.
    ///
    /// - Parameter after: skips the messages up to this sequence number (delivered ones
    ///   whose removal could not be written yet).
    public func peek(operator operatorName: String, after: Int64? = nil) throws -> QueuedMessage? {
        try database.withConnection { connection in
            try connection.query(
                "SELECT \(Self.columns) FROM message_queue WHERE operator = ? AND sequence > ? ORDER BY sequence LIMIT 1",
                [.text(operatorName), .integer(after ?? Int64.min)], Self.message(from:)
            ).first
        }
    }

    /// Every queued message of `operatorName`, oldest first.
    public func all(operator operatorName: String) throws -> [QueuedMessage] {
        try database.withConnection { connection in
            try connection.query(
                "SELECT \(Self.columns) FROM message_queue WHERE operator = ? ORDER BY sequence",
                [.text(operatorName)], Self.message(from:))
        }
    }

    /// How many messages `operatorName` has queued.
    public func count(operator operatorName: String) throws -> Int {
        try database.withConnection { connection in
            try connection.scalar(
                "SELECT COUNT(*) FROM message_queue WHERE operator = ?", [.text(operatorName)], as: Int.self) ?? 0
        }
    }

    /// The operators that have at least one message queued, sorted by name.
    public func operatorsWithMessages() throws -> [String] {
        try database.withConnection { connection in
            try connection.query("SELECT DISTINCT operator FROM message_queue ORDER BY operator") {
                try $0.column(0, as: String.self)
            }
        }
    }

    /// Removes a message once its CALLRESULT has arrived.
    ///
    /// - Returns: `false` if no such message was queued (already removed, or its operator's
    ///   queue was cleared meanwhile).
    @discardableResult
    public func remove(id: QueuedMessage.ID) throws -> Bool {
        try database.withConnection { connection in
            try connection.run("DELETE FROM message_queue WHERE sequence = ?", [.integer(id.rawValue)]) > 0
        }
    }

    /// Counts one more attempt to send the message, for the TransactionMessageAttempts and
    /// TransactionMessageRetryInterval logic above.
    ///
    /// - Parameter now: the time of the attempt in milliseconds since 1970.
    /// - Returns: the attempts made so far including this one, or `nil` if no such message is
    ///   queued.
    @discardableResult
    public func recordAttempt(id: QueuedMessage.ID, at now: Int64) throws -> Int? {
        try database.withConnection { connection in
            try connection.scalar(
                """
                UPDATE message_queue SET attempts = attempts + 1, last_attempt_at = ?
                WHERE sequence = ? RETURNING attempts
                """,
                [.integer(now), .integer(id.rawValue)], as: Int.self)
        }
    }

    /// Removes every message of `operatorName`, for when the operator is deleted.
    ///
    /// - Returns: how many messages were removed.
    @discardableResult
    public func removeAll(operator operatorName: String) throws -> Int {
        try database.withConnection { connection in
            try connection.run("DELETE FROM message_queue WHERE operator = ?", [.text(operatorName)])
        }
    }

    private static let columns =
        "sequence, operator, action, kind, payload, transaction_ref, enqueued_at, attempts, last_attempt_at"

    private static func message(from row: Row) throws -> QueuedMessage {
        let kindName = try row.column(3, as: String.self)
        guard let kind = MessageKind(rawValue: kindName) else {
            throw DatabaseError.mismatch("unknown message kind \(kindName)")
        }
        return QueuedMessage(
            id: QueuedMessage.ID(rawValue: try row.column(0)),
            operatorName: try row.column(1),
            action: try row.column(2),
            kind: kind,
            payload: try row.column(4),
            transactionRef: try row.column(5),
            enqueuedAt: try row.column(6),
            attempts: try row.column(7),
            lastAttemptAt: try row.column(8))
    }
}
