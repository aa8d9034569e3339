/// SecurityEventNotification.req: one event of the security log, such as
/// `StartupOfTheDevice` or `InvalidFirmwareSignature`.
public struct SecurityEventNotificationRequest: OCPPRequest {
    public typealias Response = SecurityEventNotificationResponse
    public static var action: OCPPAction { .securityEventNotification }
    /// The event's name as the whitepaper lists it (a free string on the wire).
    public var type: BoundedString<Length50>
    public var timestamp: OCPPDateTime
    public var techInfo: BoundedString<Length255>?

    public init(type: BoundedString<Length50>, timestamp: OCPPDateTime, techInfo: BoundedString<Length255>? = nil) {
        self.type = type
        self.timestamp = timestamp
        self.techInfo = techInfo
    }
}

extension SecurityEventNotificationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        type = try object.required("type")
        timestamp = try object.required("timestamp")
        techInfo = try object.optional("techInfo")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("type", type)
            object.member("timestamp", timestamp)
            object.member("techInfo", techInfo)
        }
    }
}

public struct SecurityEventNotificationResponse: EmptyPayload {
    public init() {}
}
