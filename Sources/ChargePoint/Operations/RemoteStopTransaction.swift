import OCPP16

extension ChargePoint {
    /// RemoteStopTransaction, by the charger's own transaction number (the
    /// operators layer has already turned the operator's id into it).
    func remoteStop(ref: Int64, now: OCPPDateTime) async -> AcceptanceStatus {
        guard let connector = connectors.first(where: { $0.transaction?.ref == ref }) else { return .rejected }
        await stopTransaction(on: connector.number, reason: .remote, idTag: nil, now: now)
        return .accepted
    }
}

extension RemoteStopTransactionRequest: ChargePointOperation {
    /// `transactionId` is the charger's own transaction number here.
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> RemoteStopTransactionResponse {
        RemoteStopTransactionResponse(status: await chargePoint.remoteStop(ref: Int64(transactionId), now: now))
    }
}
