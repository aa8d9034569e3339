/// StatusNotification.req: a connector's status or error changed.
public struct StatusNotificationRequest: OCPPRequest {
    public typealias Response = StatusNotificationResponse
    public static var action: OCPPAction { .statusNotification }
    public var connectorId: Int
    public var errorCode: ChargePointErrorCode
    public var info: CiString50?
    public var status: ChargePointStatus
    public var timestamp: OCPPDateTime?
    public var vendorId: CiString255?
    public var vendorErrorCode: CiString50?

    public init(
        connectorId: Int, errorCode: ChargePointErrorCode, info: CiString50? = nil, status: ChargePointStatus,
        timestamp: OCPPDateTime? = nil, vendorId: CiString255? = nil, vendorErrorCode: CiString50? = nil
    ) {
        self.connectorId = connectorId
        self.errorCode = errorCode
        self.info = info
        self.status = status
        self.timestamp = timestamp
        self.vendorId = vendorId
        self.vendorErrorCode = vendorErrorCode
    }
}

extension StatusNotificationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
        errorCode = try object.required("errorCode")
        info = try object.optional("info")
        status = try object.required("status")
        timestamp = try object.optional("timestamp")
        vendorId = try object.optional("vendorId")
        vendorErrorCode = try object.optional("vendorErrorCode")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
            object.member("errorCode", errorCode)
            object.member("info", info)
            object.member("status", status)
            object.member("timestamp", timestamp)
            object.member("vendorId", vendorId)
            object.member("vendorErrorCode", vendorErrorCode)
        }
    }
}

public struct StatusNotificationResponse: EmptyPayload {
    public init() {}
}
