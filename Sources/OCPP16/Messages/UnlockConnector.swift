/// UnlockConnector.req: release the cable, ending a transaction that runs there.
public struct UnlockConnectorRequest: OCPPRequest {
    public typealias Response = UnlockConnectorResponse
    public static var action: OCPPAction { .unlockConnector }
    public var connectorId: Int
    public init(connectorId: Int) { self.connectorId = connectorId }
}

public enum UnlockStatus: String, StringEnum, CaseIterable {
    case unlocked = "Unlocked"
    case unlockFailed = "UnlockFailed"
    case notSupported = "NotSupported"
}

public struct UnlockConnectorResponse: StatusResponse {
    public var status: UnlockStatus
    public init(status: UnlockStatus) { self.status = status }
}
