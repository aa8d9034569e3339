import OCPP16

/// ClearChargingProfile: from the asking operator's own profiles only.
extension ClearChargingProfileRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> ClearChargingProfileResponse {
        ClearChargingProfileResponse(status: chargePoint.clearChargingProfile(self, for: origin.operatorName ?? "", now: now))
    }
}
