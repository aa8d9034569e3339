import OCPP16

/// GetLocalListVersion: the asking operator's own list; -1 while local lists are off.
extension GetLocalListVersionRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> GetLocalListVersionResponse {
        let enabled = chargePoint.configuration.boolean("LocalAuthListEnabled")
        return GetLocalListVersionResponse(listVersion: enabled ? (chargePoint.localLists[origin.operatorName ?? ""]?.version ?? 0) : -1)
    }
}
