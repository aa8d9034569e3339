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

public struct ResetResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
