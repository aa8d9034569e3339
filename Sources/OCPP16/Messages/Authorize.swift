/// Authorize.req: may this idTag charge? Answered by the authority only.
public struct AuthorizeRequest: OCPPRequest {
    public typealias Response = AuthorizeResponse
    public static var action: OCPPAction { .authorize }
    public var idTag: IdToken
    public init(idTag: IdToken) { self.idTag = idTag }
}

public struct AuthorizeResponse: OCPPMessage {
    public var idTagInfo: IdTagInfo
    public init(idTagInfo: IdTagInfo) { self.idTagInfo = idTagInfo }
}
