import ChargePoint
import OCPP16

/// ChangeConfiguration: keys that decide who may charge (the key table's
/// authorization scope) only for the authority; every other key for any
/// operator, per-connection keys each its own value.
extension ChangeConfigurationRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        let decidesWhoCharges = authorizationKeys.contains(key.value.lowercased())
        return context.isAuthority || !decidesWhoCharges ? .allow : .refuse(ChangeConfigurationResponse(status: .rejected))
    }

    func carryOut(_ context: ActionContext) async -> ChangeConfigurationResponse {
        // The operator's own connection: stored, tried on a new connection, with fallback.
        switch key.value.lowercased() {
        case "authorizationkey":
            return ChangeConfigurationResponse(status: await context.operators.changeAuthorizationKey(value.value, for: context.entry))
        case "securityprofile":
            return ChangeConfigurationResponse(status: await context.operators.changeSecurityProfile(value.value, for: context.entry))
        default:
            break
        }
        let answer = await context.chargePoint.respond(to: self, from: context.origin, now: context.now)
        // The connection's heartbeat follows only a value the configuration
        // took, as it took it: never the raw text of a refused one.
        if key.value.lowercased() == "heartbeatinterval", answer.status == .accepted {
            let seconds = await context.chargePoint.configuration.integer("HeartbeatInterval", for: context.entry.name)
            await context.operators.setHeartbeatInterval(seconds, for: context.entry.name)
        }
        return answer
    }
}
