/// SetChargingProfile.req: install a charging profile on a connector
/// (0: the whole charge point).
public struct SetChargingProfileRequest: OCPPRequest {
    public typealias Response = SetChargingProfileResponse
    public static var action: OCPPAction { .setChargingProfile }
    public var connectorId: Int
    public var csChargingProfiles: ChargingProfile

    public init(connectorId: Int, csChargingProfiles: ChargingProfile) {
        self.connectorId = connectorId
        self.csChargingProfiles = csChargingProfiles
    }
}

extension SetChargingProfileRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
        csChargingProfiles = try object.required("csChargingProfiles")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
            object.member("csChargingProfiles", csChargingProfiles)
        }
    }
}

public enum ChargingProfileStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case notSupported = "NotSupported"
}

public struct SetChargingProfileResponse: StatusResponse {
    public var status: ChargingProfileStatus
    public init(status: ChargingProfileStatus) { self.status = status }
}
