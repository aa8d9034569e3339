import ChargePoint
import OCPP16

/// CancelReservation: the authority only.
extension CancelReservationRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        context.isAuthority ? .allow : .refuse(CancelReservationResponse(status: .rejected))
    }
}
