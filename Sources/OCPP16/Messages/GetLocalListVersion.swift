/// GetLocalListVersion.req: which local list version does the charger hold?
public struct GetLocalListVersionRequest: OCPPRequest, EmptyPayload {
    public typealias Response = GetLocalListVersionResponse
    public static var action: OCPPAction { .getLocalListVersion }
    public init() {}
}

public struct GetLocalListVersionResponse: OCPPMessage {
    /// 0: the list is empty; -1: local lists are not supported.
    public var listVersion: Int
    public init(listVersion: Int) { self.listVersion = listVersion }
}

extension GetLocalListVersionResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        listVersion = try object.required("listVersion")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("listVersion", listVersion)
        }
    }
}
