public enum UpdateType: String, StringEnum, CaseIterable {
    case differential = "Differential"
    case full = "Full"
}

/// An entry of the local authorization list; without `idTagInfo` in a
/// differential update it removes the idTag.
public struct AuthorizationData: JSONCodable, Equatable {
    public var idTag: IdToken
    public var idTagInfo: IdTagInfo?

    public init(idTag: IdToken, idTagInfo: IdTagInfo? = nil) {
        self.idTag = idTag
        self.idTagInfo = idTagInfo
    }
}

extension AuthorizationData {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        idTag = try object.required("idTag")
        idTagInfo = try object.optional("idTagInfo")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("idTag", idTag)
            object.member("idTagInfo", idTagInfo)
        }
    }
}

/// SendLocalList.req: replace or amend the local authorization list.
public struct SendLocalListRequest: OCPPRequest {
    public typealias Response = SendLocalListResponse
    public static var action: OCPPAction { .sendLocalList }
    public var listVersion: Int
    public var localAuthorizationList: [AuthorizationData]?
    public var updateType: UpdateType

    public init(listVersion: Int, localAuthorizationList: [AuthorizationData]? = nil, updateType: UpdateType) {
        self.listVersion = listVersion
        self.localAuthorizationList = localAuthorizationList
        self.updateType = updateType
    }
}

extension SendLocalListRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        listVersion = try object.required("listVersion")
        localAuthorizationList = try object.optional("localAuthorizationList")
        updateType = try object.required("updateType")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("listVersion", listVersion)
            object.member("localAuthorizationList", localAuthorizationList)
            object.member("updateType", updateType)
        }
    }
}

public enum UpdateStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case failed = "Failed"
    case notSupported = "NotSupported"
    case versionMismatch = "VersionMismatch"
}

public struct SendLocalListResponse: StatusResponse {
    public var status: UpdateStatus
    public init(status: UpdateStatus) { self.status = status }
}
