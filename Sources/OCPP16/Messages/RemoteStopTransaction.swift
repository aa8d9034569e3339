/// RemoteStopTransaction.req: stop the transaction with this id.
public struct RemoteStopTransactionRequest: OCPPRequest {
    public typealias Response = RemoteStopTransactionResponse
    public static var action: OCPPAction { .remoteStopTransaction }
    public var transactionId: Int
    public init(transactionId: Int) { self.transactionId = transactionId }
}

extension RemoteStopTransactionRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        transactionId = try object.required("transactionId")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("transactionId", transactionId)
        }
    }
}

public struct RemoteStopTransactionResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
