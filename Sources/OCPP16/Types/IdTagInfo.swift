/// The verdict on an idTag.
public enum AuthorizationStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case blocked = "Blocked"
    case expired = "Expired"
    case invalid = "Invalid"
    case concurrentTx = "ConcurrentTx"
}

/// What a Central System or a local list says about an idTag.
public struct IdTagInfo: JSONCodable, Equatable {
    public var status: AuthorizationStatus
    public var expiryDate: OCPPDateTime?
    public var parentIdTag: IdToken?

    public init(status: AuthorizationStatus, expiryDate: OCPPDateTime? = nil, parentIdTag: IdToken? = nil) {
        self.status = status
        self.expiryDate = expiryDate
        self.parentIdTag = parentIdTag
    }

}

extension IdTagInfo {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
        expiryDate = try object.optional("expiryDate")
        parentIdTag = try object.optional("parentIdTag")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
            object.member("expiryDate", expiryDate)
            object.member("parentIdTag", parentIdTag)
        }
    }
}
