import Configuration
import OCPP16
import OCPPKeys

/// What the charger knows when it decides whether an operator may do something.
public struct PermissionContext: Sendable, Equatable {
    public var role: OperatorRole
    /// Whether the operator is the authority now (billing, else home).
    public var isAuthority: Bool
    /// For RemoteStopTransaction: whether the operator is the authority the
    /// transaction started with (it keeps that right until the end).
    public var ownsTransaction: Bool
    /// For UnlockConnector: whether a transaction runs on that connector.
    public var transactionOnConnector: Bool
    /// Whether any transaction runs on the charger.
    public var anyTransaction: Bool
    /// The vendorId of the agent's own DataTransfer messages.
    public var ownVendorId: String

    public init(
        role: OperatorRole, isAuthority: Bool, ownsTransaction: Bool = false, transactionOnConnector: Bool = false,
        anyTransaction: Bool = false, ownVendorId: String = OperatorListTransfer.vendorId
    ) {
        self.role = role
        self.isAuthority = isAuthority
        self.ownsTransaction = ownsTransaction
        self.transactionOnConnector = transactionOnConnector
        self.anyTransaction = anyTransaction
        self.ownVendorId = ownVendorId
    }
}

/// The answer to a request: carry it out, or answer at once without doing it.
public enum Permission: Sendable {
    case allow
    case refuse(any OCPPMessage)

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }
}

/// Keys only the authority may change: they decide who may charge. The key
/// table says which (scope `authorization`), so a new key needs no edit here.
public let authorizationKeys: Set<String> = Set(
    StandardKeys.all.filter { $0.scope == .authorization }.map { $0.name.lowercased() })

/// The rule book's table "What each role may do", row by row. Every incoming
/// CALL passes through here before it reaches the charge point.
public func permission(for request: any OCPPRequest, in context: PermissionContext) -> Permission {
    let authority = context.isAuthority
    switch request {
    case is RemoteStartTransactionRequest:
        return authority ? .allow : .refuse(RemoteStartTransactionResponse(status: .rejected))
    case is RemoteStopTransactionRequest:
        // Its own transactionId: the transaction's authority, even after a list change.
        return context.ownsTransaction ? .allow : .refuse(RemoteStopTransactionResponse(status: .rejected))
    case is ReserveNowRequest:
        return authority ? .allow : .refuse(ReserveNowResponse(status: .rejected))
    case is CancelReservationRequest:
        return authority ? .allow : .refuse(CancelReservationResponse(status: .rejected))
    case is UnlockConnectorRequest:
        return authority || !context.transactionOnConnector ? .allow : .refuse(UnlockConnectorResponse(status: .unlockFailed))
    case is ResetRequest:
        return authority || !context.anyTransaction ? .allow : .refuse(ResetResponse(status: .rejected))
    case let change as ChangeConfigurationRequest:
        let isAuthorizationKey = authorizationKeys.contains(change.key.value.lowercased())
        return authority || !isAuthorizationKey ? .allow : .refuse(ChangeConfigurationResponse(status: .rejected))
    case let transfer as DataTransferRequest where transfer.vendorId.value == context.ownVendorId:
        return context.role == .home ? .allow : .refuse(DataTransferResponse(status: .rejected))
    default:
        // ChangeAvailability, smart charging, GetConfiguration, local lists and
        // caches (each its own), TriggerMessage, diagnostics, other DataTransfer.
        return .allow
    }
}
