import OCPP16

/// Charging profiles per operator, and the limit the board gets: the lowest
/// of every operator's composite limit at this moment.
extension ChargePoint {
    func setChargingProfile(_ request: SetChargingProfileRequest, for operatorName: String, now: OCPPDateTime) -> ChargingProfileStatus {
        .notSupported
    }

    func clearChargingProfile(_ request: ClearChargingProfileRequest, for operatorName: String, now: OCPPDateTime) -> ClearChargingProfileStatus {
        .unknown
    }

    func compositeSchedule(_ request: GetCompositeScheduleRequest, for operatorName: String, now: OCPPDateTime) -> GetCompositeScheduleResponse {
        GetCompositeScheduleResponse(status: .rejected)
    }

    func transactionEndedForProfiles(connector: Int) {
        for name in profiles.keys { profiles[name]?.transactionEnded(connector: connector) }
    }

    /// Works out each connector's limit and hands changes to the board.
    func applyLimits(now: OCPPDateTime) {
        for index in connectors.indices where connectors[index].transaction != nil {
            let limit: Double? = nil
            if connectors[index].limitAmperes != limit || connectors[index].limitAmperes == nil {
                connectors[index].limitAmperes = limit
                board.perform(.currentLimit(connector: index + 1, amperes: limit ?? maximumCurrent))
            }
        }
    }
}
