import ChargePoint
import OCPP16

/// TriggerMessage: any operator; the message goes to the requester only.
/// BootNotification and Heartbeat belong to its connection.
extension TriggerMessageRequest: IncomingAction {
    func carryOut(_ context: ActionContext) async -> TriggerMessageResponse {
        switch requestedMessage {
        case .bootNotification:
            await context.operators.postToConnection(context.chargePoint.bootNotification, of: context.entry.name)
            return TriggerMessageResponse(status: .accepted)
        case .heartbeat:
            await context.operators.postToConnection(HeartbeatRequest(), of: context.entry.name)
            return TriggerMessageResponse(status: .accepted)
        default:
            return await context.chargePoint.respond(to: self, from: context.origin, now: context.now)
        }
    }
}
