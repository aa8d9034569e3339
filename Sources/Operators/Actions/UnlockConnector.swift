import ChargePoint
import OCPP16

/// UnlockConnector: the authority always (it ends a transaction there, per
/// OCPP); any other operator only where no transaction runs.
extension UnlockConnectorRequest: IncomingAction {
    mutating func prepare(_ context: inout ActionContext) async -> UnlockConnectorResponse? {
        context.permission.transactionOnConnector = context.transactions.contains { $0.connector == connectorId }
        return nil
    }

    func permission(in context: PermissionContext) -> Permission {
        context.isAuthority || !context.transactionOnConnector ? .allow : .refuse(UnlockConnectorResponse(status: .unlockFailed))
    }
}
