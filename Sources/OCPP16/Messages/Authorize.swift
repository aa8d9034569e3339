/// Authorize.req: may this idTag charge? Answered by the authority only.
public struct AuthorizeRequest: OCPPRequest {
    public typealias Response = AuthorizeResponse
    public static var action: OCPPAction { .authorize }
    public var idTag: IdToken
    public init(idTag: IdToken) { self.idTag = idTag }
}

extension AuthorizeRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        idTag = try object.required("idTag")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("idTag", idTag)
        }
    }
}

public struct AuthorizeResponse: OCPPMessage {
    public var idTagInfo: IdTagInfo
    public init(idTagInfo: IdTagInfo) { self.idTagInfo = idTagInfo }
}

extension AuthorizeResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        idTagInfo = try object.required("idTagInfo")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("idTagInfo", idTagInfo)
        }
    }
}
