public enum MessageTrigger: String, StringEnum, CaseIterable {
    case bootNotification = "BootNotification"
    case diagnosticsStatusNotification = "DiagnosticsStatusNotification"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case heartbeat = "Heartbeat"
    case meterValues = "MeterValues"
    case statusNotification = "StatusNotification"
}

/// TriggerMessage.req: send this message now (to the requester).
public struct TriggerMessageRequest: OCPPRequest {
    public typealias Response = TriggerMessageResponse
    public static var action: OCPPAction { .triggerMessage }
    public var requestedMessage: MessageTrigger
    public var connectorId: Int?

    public init(requestedMessage: MessageTrigger, connectorId: Int? = nil) {
        self.requestedMessage = requestedMessage
        self.connectorId = connectorId
    }
}

extension TriggerMessageRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        requestedMessage = try object.required("requestedMessage")
        connectorId = try object.optional("connectorId")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("requestedMessage", requestedMessage)
            object.member("connectorId", connectorId)
        }
    }
}

public enum TriggerMessageStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case notImplemented = "NotImplemented"
}

public struct TriggerMessageResponse: StatusResponse {
    public var status: TriggerMessageStatus
    public init(status: TriggerMessageStatus) { self.status = status }
}
