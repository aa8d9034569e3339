import OCPP16

extension ReserveNowRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> ReserveNowResponse {
        ReserveNowResponse(status: await chargePoint.reserveNow(self, by: origin.operatorName, now: now))
    }
}
