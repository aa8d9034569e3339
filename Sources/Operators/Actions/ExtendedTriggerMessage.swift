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
    /// certificate (Security/Operators+Renewal.swift); never another operator's.
    func signChargePointCertificate(_ context: ActionContext) async -> ExtendedTriggerMessageResponse {
        let started = await context.operators.renewClientCertificate(for: context.entry.name)
        return ExtendedTriggerMessageResponse(status: started ? .accepted : .rejected)
    }
}
