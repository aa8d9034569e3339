import OCPP16

/// A charging profile together with the connector it was installed on
/// (0: the charge point as a whole).
public struct InstalledChargingProfile: Codable, Sendable, Equatable {
    public var connectorId: Int
    public var profile: ChargingProfile

    public init(connectorId: Int, profile: ChargingProfile) {
        self.connectorId = connectorId
        self.profile = profile
    }
}
