import ChargePoint
import OCPP16

/// RemoteStartTransaction: the authority only.
extension RemoteStartTransactionRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        context.isAuthority ? .allow : .refuse(RemoteStartTransactionResponse(status: .rejected))
    }
}
