import OCPP16
import Store

/// What incoming requests share: local lists and caches. Each action's
/// handling is in the file named after it (see `ChargePointOperation`).
extension ChargePoint {
    func sendLocalList(_ request: SendLocalListRequest, for operatorName: String) -> UpdateStatus {
        guard configuration.boolean("LocalAuthListEnabled") else { return .notSupported }
        var list = localLists[operatorName] ?? LocalAuthList()
        let status = list.apply(
            request, maximumLength: configuration.integer("LocalAuthListMaxLength"),
            maximumPerMessage: configuration.integer("SendLocalListMaxLength"))
        if status == .accepted {
            localLists[operatorName] = list
            saveAuthState(for: operatorName, cache: false)
        }
        return status
    }

    /// An operator's local list and cache go to their tables whole, each
    /// when it changed.
    func saveAuthState(for operatorName: String, list saveList: Bool = true, cache saveCache: Bool = true) {
        guard let store = persistence.map({ AuthorizationStore(database: $0.database) }) else { return }
        if saveList, let list = localLists[operatorName] {
            persist("a local list") {
                try store.replace(.list, of: operatorName, version: list.version, entries: list.entries.mapValues(\.stored))
            }
        }
        if saveCache, let cache = caches[operatorName] {
            persist("an authorization cache") {
                try store.replace(.cache, of: operatorName, entries: cache.entries.mapValues(\.stored))
            }
        }
    }

    /// Loads every operator's local list and cache, and the reservations.
    public func loadState() {
        if let store = persistence.map({ AuthorizationStore(database: $0.database) }) {
            do {
                let versions = try store.listVersions()
                for (name, entries) in try store.all(.list) {
                    localLists[name] = LocalAuthList(version: versions[name] ?? 0, entries: entries.compactMapValues(IdTagInfo.init))
                }
                for (name, entries) in try store.all(.cache) {
                    caches[name] = AuthorizationCache(entries: entries.compactMapValues(IdTagInfo.init))
                }
            } catch {
                logger.error("cannot read the local lists and caches", metadata: ["error": "\(error)"])
            }
        }
        loadReservations()
        loadProfiles()
        loadFirmware()
    }
}
