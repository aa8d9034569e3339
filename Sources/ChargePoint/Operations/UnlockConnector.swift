import OCPP16

extension ChargePoint {
    /// UnlockConnector ends a transaction that runs there (reason UnlockCommand).
    func unlock(connector: Int, now: OCPPDateTime) async -> UnlockStatus {
        guard let index = index(of: connector) else { return .notSupported }
        if connectors[index].transaction != nil {
            await stopTransaction(on: connector, reason: .unlockCommand, idTag: nil, now: now)
        }
        connectors[index].finishing = false
        await reportStatuses(now: now)
        return .unlocked
    }
}

extension UnlockConnectorRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> UnlockConnectorResponse {
        UnlockConnectorResponse(status: await chargePoint.unlock(connector: connectorId, now: now))
    }
}
