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

public struct StartTransactionResponse: OCPPMessage {
    public var idTagInfo: IdTagInfo
    public var transactionId: Int

    public init(idTagInfo: IdTagInfo, transactionId: Int) {
        self.idTagInfo = idTagInfo
        self.transactionId = transactionId
    }
}
