/// RemoteStopTransaction.req: stop the transaction with this id.
public struct RemoteStopTransactionRequest: OCPPRequest {
    public typealias Response = RemoteStopTransactionResponse
    public static var action: OCPPAction { .remoteStopTransaction }
    public var transactionId: Int
    public init(transactionId: Int) { self.transactionId = transactionId }
}

public struct RemoteStopTransactionResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
