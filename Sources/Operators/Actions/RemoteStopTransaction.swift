import ChargePoint
import OCPP16

/// RemoteStopTransaction: the operator names the transaction by its own id;
/// only the authority the transaction started with may stop it, even after
/// the list changed.
extension RemoteStopTransactionRequest: IncomingAction {
    mutating func prepare(_ context: inout ActionContext) async -> RemoteStopTransactionResponse? {
        guard let ref = await context.operators.knownRef(of: transactionId, for: context.entry.name),
            let transaction = context.transactions.first(where: { $0.ref == ref }),
            let number = Int(exactly: ref)
        else { return RemoteStopTransactionResponse(status: .rejected) }
        context.permission.ownsTransaction = transaction.authority == context.entry.name
        transactionId = number
        return nil
    }

    func permission(in context: PermissionContext) -> Permission {
        context.ownsTransaction ? .allow : .refuse(RemoteStopTransactionResponse(status: .rejected))
    }
}
