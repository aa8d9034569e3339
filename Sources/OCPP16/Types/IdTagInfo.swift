/// The verdict on an idTag.
public enum AuthorizationStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case blocked = "Blocked"
    case expired = "Expired"
    case invalid = "Invalid"
    case concurrentTx = "ConcurrentTx"
}

/// What a Central System or a local list says about an idTag.
public struct IdTagInfo: Codable, Sendable, Equatable {
    public var status: AuthorizationStatus
    public var expiryDate: OCPPDateTime?
    public var parentIdTag: IdToken?

    public init(status: AuthorizationStatus, expiryDate: OCPPDateTime? = nil, parentIdTag: IdToken? = nil) {
        self.status = status
        self.expiryDate = expiryDate
        self.parentIdTag = parentIdTag
    }

}
