/// What an OCPP transaction-related message is, which decides how the queue may treat it.
public enum MessageKind: String, Sendable, Hashable, CaseIterable {
    case startTransaction
    case stopTransaction
    case meterValues
    case other

    /// Whether the queue may drop this kind when an operator's queue is full.
    ///
    /// Only MeterValues: losing a sample degrades a chart, while losing a Start or Stop loses
    /// a billable session, and `.other` messages carry meaning the queue cannot judge.
    public var isDroppable: Bool { self == .meterValues }
}

/// One message waiting in an operator's queue.
public struct QueuedMessage: Sendable, Hashable, Identifiable {
    /// The queue-wide sequence number: strictly increasing in enqueue order across all
    /// operators and never reused, so it is both the identity and the FIFO order.
    public struct ID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
        public let rawValue: Int64
        public init(rawValue: Int64) { self.rawValue = rawValue }
        public static func < (lhs: ID, rhs: ID) -> Bool { lhs.rawValue < rhs.rawValue }
        public var description: String { String(rawValue) }
    }

    public let id: ID
    /// The operator (Central System) this copy of the message is for.
    public let operatorName: String
    /// The OCPP action, e.g. `"StartTransaction"`.
    public let action: String
    public let kind: MessageKind
    /// The JSON text of the CALL's payload object, as UTF-8 bytes.
    public let payload: [UInt8]
    /// The charger's own local transaction number. The operator's `transactionId` is
    /// substituted when the message is sent, since it may not be known when it is queued.
    public let transactionRef: Int64?
    /// When the message was queued, in milliseconds since 1970.
    public let enqueuedAt: Int64
    /// How many times sending was attempted.
    public let attempts: Int
    /// When sending was last attempted, in milliseconds since 1970.
    public let lastAttemptAt: Int64?

    /// Creates a message value; queued messages come from `MessageQueue`, this is for tests
    /// and for layers that build their own views.
    public init(
        id: ID, operatorName: String, action: String, kind: MessageKind, payload: [UInt8],
        transactionRef: Int64?, enqueuedAt: Int64, attempts: Int, lastAttemptAt: Int64?
    ) {
        self.id = id
        self.operatorName = operatorName
        self.action = action
        self.kind = kind
        self.payload = payload
        self.transactionRef = transactionRef
        self.enqueuedAt = enqueuedAt
        self.attempts = attempts
        self.lastAttemptAt = lastAttemptAt
    }
}
