import OCPP16

/// SendLocalList: the asking operator's own list, consulted while it is the authority.
extension SendLocalListRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> SendLocalListResponse {
        SendLocalListResponse(status: chargePoint.sendLocalList(self, for: origin.operatorName ?? ""))
    }
}
