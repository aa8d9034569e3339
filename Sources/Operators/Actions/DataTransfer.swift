import ChargePoint
import OCPP16

/// DataTransfer: the agent's own vendorId (operator lists) for the home
/// operator only; any other vendor's for anybody.
extension DataTransferRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        guard vendorId.value == context.ownVendorId else { return .allow }
        return context.role == .home ? .allow : .refuse(DataTransferResponse(status: .rejected))
    }

    func carryOut(_ context: ActionContext) async -> DataTransferResponse {
        guard vendorId.value == OperatorListTransfer.vendorId else {
            return await context.chargePoint.respond(to: self, from: context.origin, now: context.now)
        }
        return await context.operators.operatorListTransfer(self, from: context.entry.name)
    }
}
