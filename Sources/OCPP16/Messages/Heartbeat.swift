/// Heartbeat.req: still here; the answer carries the Central System's clock.
public struct HeartbeatRequest: OCPPRequest, EmptyPayload {
    public typealias Response = HeartbeatResponse
    public static var action: OCPPAction { .heartbeat }
    public init() {}
}

public struct HeartbeatResponse: OCPPMessage {
    public var currentTime: OCPPDateTime
    public init(currentTime: OCPPDateTime) { self.currentTime = currentTime }
}

extension HeartbeatResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        currentTime = try object.required("currentTime")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("currentTime", currentTime)
        }
    }
}
