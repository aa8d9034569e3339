public enum AvailabilityType: String, StringEnum, CaseIterable {
    case inoperative = "Inoperative"
    case operative = "Operative"
}

/// ChangeAvailability.req: make a connector (0: the whole charge point)
/// operative or inoperative.
public struct ChangeAvailabilityRequest: OCPPRequest {
    public typealias Response = ChangeAvailabilityResponse
    public static var action: OCPPAction { .changeAvailability }
    public var connectorId: Int
    public var type: AvailabilityType
    public init(connectorId: Int, type: AvailabilityType) {
        self.connectorId = connectorId
        self.type = type
    }
}

extension ChangeAvailabilityRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
        type = try object.required("type")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
            object.member("type", type)
        }
    }
}

public enum AvailabilityStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    /// Takes effect when the running transaction ends.
    case scheduled = "Scheduled"
}

public struct ChangeAvailabilityResponse: StatusResponse {
    public var status: AvailabilityStatus
    public init(status: AvailabilityStatus) { self.status = status }
}
