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

extension MeterValuesRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
        transactionId = try object.optional("transactionId")
        meterValue = try object.required("meterValue")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
            object.member("transactionId", transactionId)
            object.member("meterValue", meterValue)
        }
    }
}

public struct MeterValuesResponse: EmptyPayload {
    public init() {}
}
