public enum UpdateType: String, StringEnum, CaseIterable {
    case differential = "Differential"
    case full = "Full"
}

/// An entry of the local authorization list; without `idTagInfo` in a
/// differential update it removes the idTag.
public struct AuthorizationData: Codable, Sendable, Equatable {
    public var idTag: IdToken
    public var idTagInfo: IdTagInfo?

    public init(idTag: IdToken, idTagInfo: IdTagInfo? = nil) {
        self.idTag = idTag
        self.idTagInfo = idTagInfo
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
