/// UnlockConnector.req: release the cable, ending a transaction that runs there.
public struct UnlockConnectorRequest: OCPPRequest {
    public typealias Response = UnlockConnectorResponse
    public static var action: OCPPAction { .unlockConnector }
    public var connectorId: Int
    public init(connectorId: Int) { self.connectorId = connectorId }
}

extension UnlockConnectorRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
        }
    }
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
