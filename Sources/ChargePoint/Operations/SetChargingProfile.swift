import OCPP16

/// SetChargingProfile: into the asking operator's own profiles; a TxProfile
/// names the charger's own transaction number here.
extension SetChargingProfileRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> SetChargingProfileResponse {
        SetChargingProfileResponse(status: chargePoint.setChargingProfile(self, for: origin.operatorName ?? "", now: now))
    }
}
