import ChargePoint
import OCPP16

/// TriggerMessage: any operator; the message goes to the requester only.
/// BootNotification and Heartbeat belong to its connection.
extension TriggerMessageRequest: IncomingAction {
    func carryOut(_ context: ActionContext) async -> TriggerMessageResponse {
        TriggerMessageResponse(status: await context.trigger(triggered, connectorId: connectorId))
    }
}

extension ActionContext {
    /// Sends what TriggerMessage or ExtendedTriggerMessage asked for, to the requester.
    func trigger(_ message: TriggeredMessage, connectorId: Int?) async -> TriggerMessageStatus {
        switch message {
        case .bootNotification:
            await operators.postToConnection(chargePoint.bootNotification, of: entry.name)
            return .accepted
        case .heartbeat:
            await operators.postToConnection(HeartbeatRequest(), of: entry.name)
            return .accepted
        default:
            return await chargePoint.trigger(message, connectorId: connectorId, for: entry.name, now: now)
        }
    }
}
