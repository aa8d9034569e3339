import ChargePoint
import OCPP16

/// Reset: the authority always (it ends transactions, per OCPP); any other
/// operator only while no transaction runs.
extension ResetRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        context.isAuthority || !context.anyTransaction ? .allow : .refuse(ResetResponse(status: .rejected))
    }
}
