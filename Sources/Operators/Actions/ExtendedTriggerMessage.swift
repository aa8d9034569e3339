import ChargePoint
import OCPP16

/// ExtendedTriggerMessage: any operator, like TriggerMessage: the message goes to the
/// requester only.
extension ExtendedTriggerMessageRequest: IncomingAction {
    func carryOut(_ context: ActionContext) async -> ExtendedTriggerMessageResponse {
        guard let triggered else { return await signChargePointCertificate(context) }
        return ExtendedTriggerMessageResponse(status: await context.trigger(triggered, connectorId: connectorId))
    }

    /// SignChargePointCertificate: starts the renewal of the requester's own client
    /// certificate. Not done on this charger yet: refused.
    func signChargePointCertificate(_ context: ActionContext) async -> ExtendedTriggerMessageResponse {
        ExtendedTriggerMessageResponse(status: .rejected)
    }
}
