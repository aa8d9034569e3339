import OCPP16

/// Where a verdict on an idTag came from.
public enum AuthorizationSource: String, Sendable, Equatable {
    case authority, localList, cache, offlineUnknown, freeVend
}

/// The verdict on a presented idTag and how it was reached.
public struct AuthorizationDecision: Sendable, Equatable {
    public var info: IdTagInfo
    public var source: AuthorizationSource
    public var accepted: Bool { info.status == .accepted }
}

/// The OCPP 1.6 rules for deciding on an idTag without asking the authority:
/// local list first, then the cache, each only where enabled.
struct LocalAuthorizer {
    var configuration: ConfigurationStore
    var list: LocalAuthList
    var cache: AuthorizationCache

    func localVerdict(_ idTag: IdToken, at now: OCPPDateTime) -> AuthorizationDecision? {
        if configuration.boolean("LocalAuthListEnabled"), var info = list.lookup(idTag) {
            if let expiry = info.expiryDate, expiry <= now, info.status == .accepted { info.status = .expired }
            return AuthorizationDecision(info: info, source: .localList)
        }
        if configuration.boolean("AuthorizationCacheEnabled"), let info = cache.lookup(idTag, at: now) {
            return AuthorizationDecision(info: info, source: .cache)
        }
        return nil
    }

    /// Before asking an online authority: only a local Accepted counts
    /// (LocalPreAuthorize); anything else is still asked.
    func preAuthorize(_ idTag: IdToken, at now: OCPPDateTime) -> AuthorizationDecision? {
        guard configuration.boolean("LocalPreAuthorize"), let verdict = localVerdict(idTag, at: now), verdict.accepted else {
            return nil
        }
        return verdict
    }

    /// With the authority out of reach.
    func offline(_ idTag: IdToken, at now: OCPPDateTime) -> AuthorizationDecision {
        if configuration.boolean("LocalAuthorizeOffline"), let verdict = localVerdict(idTag, at: now) {
            return verdict
        }
        if configuration.boolean("AllowOfflineTxForUnknownId") {
            return AuthorizationDecision(info: IdTagInfo(status: .accepted), source: .offlineUnknown)
        }
        return AuthorizationDecision(info: IdTagInfo(status: .invalid), source: .offlineUnknown)
    }
}
