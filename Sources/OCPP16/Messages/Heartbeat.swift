/// Heartbeat.req: still here; the answer carries the Central System's clock.
public struct HeartbeatRequest: OCPPRequest {
    public typealias Response = HeartbeatResponse
    public static var action: OCPPAction { .heartbeat }
    public init() {}
}

public struct HeartbeatResponse: OCPPMessage {
    public var currentTime: OCPPDateTime
    public init(currentTime: OCPPDateTime) { self.currentTime = currentTime }
}
