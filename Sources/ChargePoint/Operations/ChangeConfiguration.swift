import OCPP16

/// ChangeConfiguration: validated and stored by the key table; a value that
/// cannot be stored is Rejected. A meter's public key is read-only.
extension ChangeConfigurationRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> ChangeConfigurationResponse {
        if !chargePoint.meterPublicKeys(named: [key.value]).known.isEmpty {
            return ChangeConfigurationResponse(status: .rejected)
        }
        return ChangeConfigurationResponse(status: chargePoint.configuration.change(self, by: origin.operatorName))
    }
}
