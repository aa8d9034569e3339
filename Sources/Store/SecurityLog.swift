/// The charger's security log: every security event, newest `capacity` kept, in the same
/// database as the operators' queues, so that an event and its notification for each
/// recipient are one commit.
///
/// An event is written once to the log and once per recipient to `message_queue` (as a
/// `SecurityEventNotification`, kind `.other`): a power cut leaves either all of them or
/// none, and the queue delivers them like transaction messages, after a reconnect and
/// after a restart.
public struct SecurityLog: Sendable {
    /// How many events the log keeps by default; older ones are dropped as new ones come.
    public static let defaultCapacity = 1000

    /// One kept event.
    public struct Entry: Sendable, Hashable {
        /// Strictly increasing, never reused.
        public let sequence: Int64
        /// The whitepaper's name, e.g. `StartupOfTheDevice`.
        public let type: String
        public let techInfo: String?
        /// When it happened, in milliseconds since 1970.
        public let occurredAt: Int64
        /// The operator it concerns; nil for an event of the whole charger.
        public let operatorName: String?

        public init(sequence: Int64, type: String, techInfo: String?, occurredAt: Int64, operatorName: String?) {
            self.sequence = sequence
            self.type = type
            self.techInfo = techInfo
            self.occurredAt = occurredAt
            self.operatorName = operatorName
        }
    }

    /// An event to write: what happened, and its notification as queued for each recipient.
    public struct Event: Sendable {
        public var type: String
        public var techInfo: String?
        public var occurredAt: Int64
        public var operatorName: String?
        /// The JSON text of the SecurityEventNotification payload.
        public var payload: [UInt8]

        public init(type: String, techInfo: String?, occurredAt: Int64, operatorName: String?, payload: [UInt8]) {
            self.type = type
            self.techInfo = techInfo
            self.occurredAt = occurredAt
            self.operatorName = operatorName
            self.payload = payload
        }
    }

    static let action = "SecurityEventNotification"

    public let queue: MessageQueue
    public var database: Database { queue.database }
    /// The most events kept; at least 1.
    public let capacity: Int

    /// The log shares the queue's database, whose opening brought the schema up to date.
    public init(queue: MessageQueue, capacity: Int = SecurityLog.defaultCapacity) {
        self.queue = queue
        self.capacity = max(1, capacity)
    }

    /// Keeps `event` and queues its notification for every one of `recipients`, in one
    /// commit; the oldest events beyond `capacity` go in the same commit.
    @discardableResult
    public func record(_ event: Event, for recipients: [String], at now: Int64) throws -> Entry {
        try database.transaction { connection in
            try record(event, for: recipients, at: now, in: connection)
        }
    }

    @discardableResult
    private func record(_ event: Event, for recipients: [String], at now: Int64, in connection: Connection) throws -> Entry {
        try connection.run(
            "INSERT INTO security_log (type, tech_info, occurred_at, operator) VALUES (?, ?, ?, ?)",
            [.text(event.type), SQLValue(event.techInfo), .integer(event.occurredAt), SQLValue(event.operatorName)])
        let sequence = connection.lastInsertRowID
        try connection.run(
            "DELETE FROM security_log WHERE sequence <= ?", [.integer(sequence - Int64(capacity))])
        for recipient in recipients {
            try queue.enqueue(
                operator: recipient, action: Self.action, payload: event.payload, kind: .other, transactionRef: nil,
                at: now, in: connection)
        }
        return Entry(
            sequence: sequence, type: event.type, techInfo: event.techInfo, occurredAt: event.occurredAt,
            operatorName: event.operatorName)
    }

    /// Empties the log and keeps `cleared` (the event that says so) as its first entry,
    /// queued for `recipients`; one commit. Returns how many events were removed.
    @discardableResult
    public func clear(recording cleared: Event, for recipients: [String], at now: Int64) throws -> Int {
        try database.transaction { connection in
            let removed = try connection.run("DELETE FROM security_log")
            try record(cleared, for: recipients, at: now, in: connection)
            return removed
        }
    }

    /// The kept events that happened from `oldest` to `latest` (milliseconds, both
    /// included, open ends allowed), oldest first.
    public func entries(from oldest: Int64? = nil, until latest: Int64? = nil) throws -> [Entry] {
        try database.withConnection { connection in
            try connection.query(
                """
                SELECT sequence, type, tech_info, occurred_at, operator FROM security_log
                WHERE occurred_at >= ? AND occurred_at <= ? ORDER BY sequence
                """,
                [.integer(oldest ?? .min), .integer(latest ?? .max)]
            ) { row in
                Entry(
                    sequence: try row.column(0), type: try row.column(1), techInfo: try row.column(2),
                    occurredAt: try row.column(3), operatorName: try row.column(4))
            }
        }
    }

    /// How many events are kept.
    public func count() throws -> Int {
        try database.withConnection { connection in
            try connection.scalar("SELECT COUNT(*) FROM security_log", as: Int.self) ?? 0
        }
    }

    static let migration = """
        CREATE TABLE security_log (
            -- AUTOINCREMENT: numbers are never reused, so the bound is a plain range delete.
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL CHECK (length(type) BETWEEN 1 AND 50),
            tech_info TEXT CHECK (tech_info IS NULL OR length(tech_info) <= 255),
            occurred_at INTEGER NOT NULL,
            operator TEXT
        );
        CREATE INDEX security_log_by_time ON security_log (occurred_at);
        """
}
