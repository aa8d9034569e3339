/// ClearCache.req: forget every cached idTag verdict.
public struct ClearCacheRequest: OCPPRequest {
    public typealias Response = ClearCacheResponse
    public static var action: OCPPAction { .clearCache }
    public init() {}
}

extension ClearCacheRequest {
    public init(json: JSONView) throws(PayloadError) {
        _ = try JSONObjectReader(json)
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { _ in }
    }
}

public struct ClearCacheResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}

extension ClearCacheResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
        }
    }
}
