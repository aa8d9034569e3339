/// A charging session as it is kept on disk while it runs. Times are milliseconds since 1970.
public struct StoredTransaction: Sendable, Equatable {
    public var ref: Int64
    public var connector: Int
    public var idTag: String
    public var parentIdTag: String?
    public var meterStart: Int64
    public var startedAt: Int64
    public var reservationId: Int?
    public var authority: String?
    public var lastMeter: Int64
    public var lastMeterAt: Int64
    /// The latest timestamp of a meter value queued for any operator.
    public var lastReportedAt: Int64
    public var deauthorized: Bool

    public init(
        ref: Int64, connector: Int, idTag: String, parentIdTag: String?, meterStart: Int64, startedAt: Int64,
        reservationId: Int?, authority: String?, lastMeter: Int64, lastMeterAt: Int64, lastReportedAt: Int64,
        deauthorized: Bool
    ) {
        self.ref = ref
        self.connector = connector
        self.idTag = idTag
        self.parentIdTag = parentIdTag
        self.meterStart = meterStart
        self.startedAt = startedAt
        self.reservationId = reservationId
        self.authority = authority
        self.lastMeter = lastMeter
        self.lastMeterAt = lastMeterAt
        self.lastReportedAt = lastReportedAt
        self.deauthorized = deauthorized
    }
}

/// One operator's copy of a transaction message.
public struct TransactionMessage: Sendable, Equatable {
    public var operatorName: String
    public var action: String
    public var kind: MessageKind
    public var ref: Int64
    /// The JSON text of the payload; its transactionId is filled in when it is sent.
    public var payload: [UInt8]
    /// The transaction's StartTransaction, queued first for an operator that has not been
    /// told of the transaction yet (one that joined while it ran).
    public var startIfUnknown: [UInt8]?

    public init(operatorName: String, action: String, kind: MessageKind, ref: Int64, payload: [UInt8], startIfUnknown: [UInt8]? = nil) {
        self.operatorName = operatorName
        self.action = action
        self.kind = kind
        self.ref = ref
        self.payload = payload
        self.startIfUnknown = startIfUnknown
    }
}

/// Everything one transaction event changes on disk, written in one commit.
public struct TransactionWrite: Sendable, Equatable {
    /// Records written as given (new or changed).
    public var records: [StoredTransaction] = []
    /// Each operator's messages, in the order they are queued.
    public var messages: [TransactionMessage] = []
    /// Records removed after the messages are queued: transactions that ended.
    public var ended: [Int64] = []
    /// Energy registers by connector number.
    public var registers: [Int: Int64] = [:]

    public init(records: [StoredTransaction] = [], messages: [TransactionMessage] = [], ended: [Int64] = [], registers: [Int: Int64] = [:]) {
        self.records = records
        self.messages = messages
        self.ended = ended
        self.registers = registers
    }

    public var isEmpty: Bool { records.isEmpty && messages.isEmpty && ended.isEmpty && registers.isEmpty }

    /// This write followed by `later`, as one.
    public mutating func append(_ later: TransactionWrite) {
        records.removeAll { record in later.records.contains { $0.ref == record.ref } || later.ended.contains(record.ref) }
        records += later.records
        messages += later.messages
        ended += later.ended
        registers.merge(later.registers) { _, new in new }
    }
}

/// Where one operator stands with one of the charger's transactions.
public enum OperatorTransactionState: Sendable, Equatable {
    /// Its StartTransaction is queued and not answered yet.
    case queued
    /// The operator gave it this transactionId.
    case known(Int)
    /// Its StartTransaction was given up after TransactionMessageAttempts: the operator
    /// never heard of it, and the transaction's later messages to it are dropped.
    case abandoned
    /// The operator has no record of it (its Stop went through, or it was never told).
    case unknown
}
