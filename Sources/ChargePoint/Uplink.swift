import Board
import OCPP16

/// What the charge point sends, before the operators layer decides who gets
/// it and with which transactionId.
public enum OutgoingMessage: Sendable, Equatable {
    /// To every operator (or, when triggered, to one), not queued: on
    /// reconnect the current status is sent anew.
    case status(StatusNotificationRequest, to: String?)
    /// Durable, to every operator; each answers with a transactionId of its own.
    case startTransaction(ref: Int64, StartTransactionRequest)
    /// To one operator (each has its own cadence and measurands). `ref` is
    /// set when the values belong to a transaction: durable then.
    case meterValues(ref: Int64?, MeterValuesRequest, to: String?)
    /// Durable, to every operator; `transactionId` is filled in per operator.
    case stopTransaction(ref: Int64, StopTransactionRequest)
    case firmwareStatus(FirmwareStatusNotificationRequest, to: String?)
    /// A SignedUpdateFirmware's progress: to its requester (nil: every operator).
    case signedFirmwareStatus(SignedFirmwareStatusNotificationRequest, to: String?)
    case diagnosticsStatus(DiagnosticsStatusNotificationRequest, to: String?)
    /// GetLog's progress, to the operator that asked.
    case logStatus(LogStatusNotificationRequest, to: String?)
    /// A security event: to every operator when `to` is nil (events of the charger),
    /// else to the operator whose connection or request it concerns.
    case securityEvent(SecurityEventNotificationRequest, to: String?)
    /// An external power limit began or changed (`watts`) or ended (nil):
    /// to every operator when `to` is nil, as a DataTransfer of the agent's
    /// own vendorId, since OCPP 1.6 has no message for it.
    case externalLimit(source: ExternalLimitSource, watts: Double?, to: String?)
}

/// The charge point's way out: implemented by the operators layer.
public protocol ChargePointUplink: AnyObject, Sendable {
    /// Hands a message over. Transaction messages (start, stop, transaction
    /// MeterValues) are on disk in every recipient's queue before this is
    /// called (see `TransactionLedger`): here they only wake the links.
    func emit(_ message: OutgoingMessage) async
    /// The operators every transaction message goes to now, each with a
    /// queue of its own. Read without suspending, so that an event and its
    /// messages are written in one commit.
    var transactionRecipients: [String] { get }
    /// Transaction messages for `operators` were written later than their
    /// event (the disk refused them at first): wakes those links.
    func transactionMessagesWritten(for operators: Set<String>) async
    /// Asks the authority about an idTag. Nil when it cannot be asked now
    /// (no authority, offline, no answer in time): offline rules apply.
    func authorize(_ idTag: IdToken) async -> IdTagInfo?
    /// The operator whose local list and cache count, if any.
    var authorityName: String? { get }
    /// Whether the authority's connection is open now.
    var authorityOnline: Bool { get async }
}

/// What the daemon must do when the charge point asks for it.
public enum ChargePointRequest: Sendable, Equatable {
    case restart(ResetType)
}
