import OCPP16

extension ChargePoint {
    /// Reset: every transaction ends with the reason of the reset and is
    /// stored before the daemon is asked to restart.
    func reset(_ type: ResetType, by operatorName: String?, now: OCPPDateTime) async -> AcceptanceStatus {
        for connector in connectors where connector.transaction != nil {
            await stopTransaction(on: connector.number, reason: type == .hard ? .hardReset : .softReset, idTag: nil, now: now)
        }
        board.makeSafe()
        await securityEvent(.resetOrReboot, techInfo: "\(type.rawValue) reset asked by \(operatorName ?? "the charger")", now: now)
        requests?(.restart(type))
        return .accepted
    }
}

extension ResetRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> ResetResponse {
        ResetResponse(status: await chargePoint.reset(type, by: origin.operatorName, now: now))
    }
}
