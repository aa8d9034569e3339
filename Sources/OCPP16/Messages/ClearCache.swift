/// ClearCache.req: forget every cached idTag verdict.
public struct ClearCacheRequest: OCPPRequest, EmptyPayload {
    public typealias Response = ClearCacheResponse
    public static var action: OCPPAction { .clearCache }
    public init() {}
}

public struct ClearCacheResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
