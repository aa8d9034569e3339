/// StartTransaction.req: a transaction began; the answer assigns its id.
public struct StartTransactionRequest: OCPPRequest {
    public typealias Response = StartTransactionResponse
    public static var action: OCPPAction { .startTransaction }
    public var connectorId: Int
    public var idTag: IdToken
    /// Energy register at the start, in Wh.
    public var meterStart: Int
    public var reservationId: Int?
    public var timestamp: OCPPDateTime

    public init(connectorId: Int, idTag: IdToken, meterStart: Int, reservationId: Int? = nil, timestamp: OCPPDateTime) {
        self.connectorId = connectorId
        self.idTag = idTag
        self.meterStart = meterStart
        self.reservationId = reservationId
        self.timestamp = timestamp
    }
}

extension StartTransactionRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
        idTag = try object.required("idTag")
        meterStart = try object.required("meterStart")
        reservationId = try object.optional("reservationId")
        timestamp = try object.required("timestamp")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
            object.member("idTag", idTag)
            object.member("meterStart", meterStart)
            object.member("reservationId", reservationId)
            object.member("timestamp", timestamp)
        }
    }
}

public struct StartTransactionResponse: OCPPMessage {
    public var idTagInfo: IdTagInfo
    public var transactionId: Int

    public init(idTagInfo: IdTagInfo, transactionId: Int) {
        self.idTagInfo = idTagInfo
        self.transactionId = transactionId
    }
}

extension StartTransactionResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        idTagInfo = try object.required("idTagInfo")
        transactionId = try object.required("transactionId")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("idTagInfo", idTagInfo)
            object.member("transactionId", transactionId)
        }
    }
}
