import OCPP16

/// GetConfiguration: the keys as the asking operator sees them.
extension GetConfigurationRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> GetConfigurationResponse {
        chargePoint.configuration.get(self, for: origin.operatorName)
    }
}
