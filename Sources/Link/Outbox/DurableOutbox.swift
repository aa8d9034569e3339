import OCPP16

/// An ordered, persistent queue of CALLs that must reach one Central System: OCPP's
/// transaction-related messages (StartTransaction, StopTransaction, transaction MeterValues).
///
/// The link drains it in order while it is open: it sends the head, removes it only after
/// its CALLRESULT has arrived (or it was given up after TransactionMessageAttempts), and
/// stops while closed. Delivery is at least once: a crash between answer and removal sends
/// the message again.
public protocol DurableOutbox: Sendable {
    /// The oldest message not yet delivered, or `nil` when the queue is empty.
    func peek() async throws -> OutboxMessage?
    /// Forgets a message that was answered or given up.
    func remove(_ message: OutboxMessage) async throws
    /// Counts one failed attempt (CALLERROR or no answer) and returns the attempts so far.
    func recordAttempt(_ message: OutboxMessage) async throws -> Int
}

/// One queued CALL.
public struct OutboxMessage: Sendable, Equatable {
    /// The queue's identity of the message; not the OCPP message id, which is new per attempt.
    public var id: Int64
    public var action: String
    public var payload: JSONObject
    /// Failed attempts so far.
    public var attempts: Int
    /// The charger's own number of the transaction the message belongs to, if any.
    public var transactionRef: Int64?

    public init(id: Int64, action: String, payload: JSONObject, attempts: Int = 0, transactionRef: Int64? = nil) {
        self.id = id
        self.action = action
        self.payload = payload
        self.attempts = attempts
        self.transactionRef = transactionRef
    }
}

/// What became of a queued message.
public enum OutboxOutcome: Sendable, Equatable {
    /// The Central System confirmed it; the confirmation is handed over before the message
    /// is removed, so a StartTransaction's transactionId is never lost.
    case delivered(CallResult)
    /// It failed TransactionMessageAttempts times and was removed.
    case abandoned(LinkError)
}
