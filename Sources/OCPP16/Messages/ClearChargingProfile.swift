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

extension ClearChargingProfileRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        id = try object.optional("id")
        connectorId = try object.optional("connectorId")
        chargingProfilePurpose = try object.optional("chargingProfilePurpose")
        stackLevel = try object.optional("stackLevel")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("id", id)
            object.member("connectorId", connectorId)
            object.member("chargingProfilePurpose", chargingProfilePurpose)
            object.member("stackLevel", stackLevel)
        }
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
