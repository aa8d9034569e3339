/// What ExtendedTriggerMessage may ask for: TriggerMessage's messages
/// without DiagnosticsStatusNotification, plus the security extension's.
public enum ExtendedMessageTrigger: String, StringEnum, CaseIterable {
    case bootNotification = "BootNotification"
    case logStatusNotification = "LogStatusNotification"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case heartbeat = "Heartbeat"
    case meterValues = "MeterValues"
    /// Start a certificate renewal: a new key, a CSR, a SignCertificate.
    case signChargePointCertificate = "SignChargePointCertificate"
    case statusNotification = "StatusNotification"
}

/// ExtendedTriggerMessage.req: send this message now (to the requester).
public struct ExtendedTriggerMessageRequest: OCPPRequest {
    public typealias Response = ExtendedTriggerMessageResponse
    public static var action: OCPPAction { .extendedTriggerMessage }
    public var requestedMessage: ExtendedMessageTrigger
    public var connectorId: Int?

    public init(requestedMessage: ExtendedMessageTrigger, connectorId: Int? = nil) {
        self.requestedMessage = requestedMessage
        self.connectorId = connectorId
    }
}

extension ExtendedTriggerMessageRequest {
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

/// The same three answers as TriggerMessage's.
public struct ExtendedTriggerMessageResponse: StatusResponse {
    public var status: TriggerMessageStatus
    public init(status: TriggerMessageStatus) { self.status = status }
}
