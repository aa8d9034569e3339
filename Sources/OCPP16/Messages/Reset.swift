public enum ResetType: String, StringEnum, CaseIterable {
    case hard = "Hard"
    case soft = "Soft"
}

/// Reset.req: restart the charge point, ending its transactions.
public struct ResetRequest: OCPPRequest {
    public typealias Response = ResetResponse
    public static var action: OCPPAction { .reset }
    public var type: ResetType
    public init(type: ResetType) { self.type = type }
}

extension ResetRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        type = try object.required("type")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("type", type)
        }
    }
}

public struct ResetResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
