/// ClearChargingProfile.req: remove the profiles matching every given field.
public struct ClearChargingProfileRequest: OCPPRequest {
    public typealias Response = ClearChargingProfileResponse
    public static var action: OCPPAction { .clearChargingProfile }
    public var id: Int?
    public var connectorId: Int?
    public var chargingProfilePurpose: ChargingProfilePurpose?
    public var stackLevel: Int?

    public init(
        id: Int? = nil, connectorId: Int? = nil, chargingProfilePurpose: ChargingProfilePurpose? = nil,
        stackLevel: Int? = nil
    ) {
        self.id = id
        self.connectorId = connectorId
        self.chargingProfilePurpose = chargingProfilePurpose
        self.stackLevel = stackLevel
    }
}

public enum ClearChargingProfileStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case unknown = "Unknown"
}

public struct ClearChargingProfileResponse: StatusResponse {
    public var status: ClearChargingProfileStatus
    public init(status: ClearChargingProfileStatus) { self.status = status }
}
