import OCPP16

extension CancelReservationRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> CancelReservationResponse {
        CancelReservationResponse(status: await chargePoint.cancelReservation(self, now: now))
    }
}
