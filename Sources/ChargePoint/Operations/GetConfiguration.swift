import OCPP16

/// GetConfiguration: the keys as the asking operator sees them, with each
/// signing meter's `MeterPublicKey[N]`.
extension GetConfigurationRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> GetConfigurationResponse {
        let names = key?.map(\.value)
        let meters = chargePoint.meterPublicKeys(named: names)
        var asked = self
        if let names {
            let rest = names.filter { !meters.unknown.contains($0.lowercased()) }
            // Only meter keys asked for: nothing else is listed.
            if rest.isEmpty, !names.isEmpty {
                return GetConfigurationResponse(configurationKey: meters.known.isEmpty ? nil : meters.known, unknownKey: nil)
            }
            asked.key = rest.map { CiString50(truncating: $0) }
        }
        var response = chargePoint.configuration.get(asked, for: origin.operatorName)
        if !meters.known.isEmpty { response.configurationKey = (response.configurationKey ?? []) + meters.known }
        return response
    }
}
