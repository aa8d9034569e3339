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
    /// For DeleteCertificate: the store holding the certificate it names, among those the
    /// operator may see (its own roots, the manufacturer's); nil when it is in neither.
    public var certificateStore: CertificateUse?

    public init(
        role: OperatorRole, isAuthority: Bool, ownsTransaction: Bool = false, transactionOnConnector: Bool = false,
        anyTransaction: Bool = false, ownVendorId: String = OperatorListTransfer.vendorId,
        certificateStore: CertificateUse? = nil
    ) {
        self.role = role
        self.isAuthority = isAuthority
        self.ownsTransaction = ownsTransaction
        self.transactionOnConnector = transactionOnConnector
        self.anyTransaction = anyTransaction
        self.ownVendorId = ownVendorId
        self.certificateStore = certificateStore
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

/// The rule book's table "What each role may do" (operators.md), row by row:
/// each row lives with its action in `Actions/`. Every incoming CALL is read
/// against its row before it touches any state.
public func permission(for request: any OCPPRequest, in context: PermissionContext) -> Permission {
    (request as? any IncomingAction)?.permission(in: context) ?? .allow
}
