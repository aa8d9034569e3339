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

public struct StatusNotificationResponse: OCPPMessage {
    public init() {}
}
