/// RemoteStartTransaction.req: start charging for `idTag`, optionally with a
/// TxProfile for the new transaction.
public struct RemoteStartTransactionRequest: OCPPRequest {
    public typealias Response = RemoteStartTransactionResponse
    public static var action: OCPPAction { .remoteStartTransaction }
    public var connectorId: Int?
    public var idTag: IdToken
    public var chargingProfile: ChargingProfile?

    public init(connectorId: Int? = nil, idTag: IdToken, chargingProfile: ChargingProfile? = nil) {
        self.connectorId = connectorId
        self.idTag = idTag
        self.chargingProfile = chargingProfile
    }
}

public struct RemoteStartTransactionResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
