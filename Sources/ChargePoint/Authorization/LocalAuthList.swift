import OCPP16
import Store

/// An operator's local authorization list, as sent with SendLocalList.
public struct LocalAuthList: Sendable, Codable, Equatable {
    public private(set) var version = 0
    public private(set) var entries: [String: IdTagInfo] = [:]

    public init() {}

    /// A list as it was stored.
    init(version: Int, entries: [String: IdTagInfo]) {
        self.version = version
        self.entries = entries
    }

    /// Entries are keyed by the idTag in upper case: idTags compare without case.
    static func key(_ idTag: IdToken) -> String { idTag.value.uppercased() }

    public func lookup(_ idTag: IdToken) -> IdTagInfo? { entries[Self.key(idTag)] }

    public var count: Int { entries.count }

    /// Applies SendLocalList. A differential update needs a newer version; a
    /// full one replaces the list. Entries beyond `maximumLength` fail it.
    public mutating func apply(_ request: SendLocalListRequest, maximumLength: Int, maximumPerMessage: Int) -> UpdateStatus {
        let items = request.localAuthorizationList ?? []
        guard items.count <= maximumPerMessage, request.listVersion >= 0 else { return .failed }
        var updated = request.updateType == .full ? [:] : entries
        if request.updateType == .differential, request.listVersion <= version, version > 0 {
            return .versionMismatch
        }
        for item in items {
            if let info = item.idTagInfo {
                updated[Self.key(item.idTag)] = info
            } else if request.updateType == .differential {
                updated.removeValue(forKey: Self.key(item.idTag))
            } else {
                return .failed  // a full list needs an idTagInfo for every entry
            }
        }
        guard updated.count <= maximumLength else { return .failed }
        entries = updated
        version = request.updateType == .full && items.isEmpty ? 0 : request.listVersion
        return .accepted
    }
}

/// An operator's cache of the idTag verdicts it gave.
public struct AuthorizationCache: Sendable, Codable, Equatable {
    public private(set) var entries: [String: IdTagInfo] = [:]
    /// Bounded so that a stream of unknown cards cannot grow it without end.
    public static let capacity = 1000

    public init() {}

    /// A cache as it was stored.
    init(entries: [String: IdTagInfo]) {
        self.entries = entries
    }

    public func lookup(_ idTag: IdToken, at now: OCPPDateTime) -> IdTagInfo? {
        guard var info = entries[LocalAuthList.key(idTag)] else { return nil }
        if let expiry = info.expiryDate, expiry <= now, info.status == .accepted {
            info.status = .expired
        }
        return info
    }

    public mutating func remember(_ idTag: IdToken, _ info: IdTagInfo) {
        if entries.count >= Self.capacity, entries[LocalAuthList.key(idTag)] == nil, let victim = entries.keys.first {
            entries.removeValue(forKey: victim)
        }
        entries[LocalAuthList.key(idTag)] = info
    }

    public mutating func clear() { entries.removeAll() }
}

extension IdTagInfo {
    /// The verdict as it is kept on disk.
    var stored: StoredIdTagInfo {
        StoredIdTagInfo(status: status.rawValue, expiry: expiryDate?.millisecondsSince1970, parentIdTag: parentIdTag?.value)
    }

    /// A verdict read back from disk; nil when it no longer makes sense.
    init?(_ stored: StoredIdTagInfo) {
        guard let status = AuthorizationStatus(rawValue: stored.status) else { return nil }
        self.init(
            status: status, expiryDate: stored.expiry.map(OCPPDateTime.init(millisecondsSince1970:)),
            parentIdTag: stored.parentIdTag.flatMap(IdToken.init))
    }
}
