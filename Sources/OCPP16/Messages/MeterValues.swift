/// MeterValues.req: samples of one connector, inside a transaction or not.
public struct MeterValuesRequest: OCPPRequest {
    public typealias Response = MeterValuesResponse
    public static var action: OCPPAction { .meterValues }
    public var connectorId: Int
    public var transactionId: Int?
    public var meterValue: [MeterValue]

    public init(connectorId: Int, transactionId: Int? = nil, meterValue: [MeterValue]) {
        self.connectorId = connectorId
        self.transactionId = transactionId
        self.meterValue = meterValue
    }
}

public struct MeterValuesResponse: OCPPMessage {
    public init() {}
}
