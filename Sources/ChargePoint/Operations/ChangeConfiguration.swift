import OCPP16

/// ChangeConfiguration: validated and stored by the key table; a value that
/// cannot be stored is Rejected.
extension ChangeConfigurationRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> ChangeConfigurationResponse {
        ChangeConfigurationResponse(status: chargePoint.configuration.change(self, by: origin.operatorName))
    }
}
