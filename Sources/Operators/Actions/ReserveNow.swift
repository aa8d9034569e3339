import ChargePoint
import OCPP16

/// ReserveNow: the authority only.
extension ReserveNowRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        context.isAuthority ? .allow : .refuse(ReserveNowResponse(status: .rejected))
    }
}
