import OCPP16

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
            saveAuthState(for: operatorName)
        }
        return status
    }

    /// Local lists and caches live in the store as JSON, one entry each per operator.
    func saveAuthState(for operatorName: String) {
        if let list = localLists[operatorName] {
            let text = String(decoding: PayloadCoding.encodedBytes(list), as: UTF8.self)
            persist("a local list") { try persistence?.set(namespace: "auth/list", key: operatorName, value: text) }
        }
        if let cache = caches[operatorName] {
            let text = String(decoding: PayloadCoding.encodedBytes(cache), as: UTF8.self)
            persist("an authorization cache") { try persistence?.set(namespace: "auth/cache", key: operatorName, value: text) }
        }
    }

    /// Loads every operator's local list and cache, and the reservations.
    public func loadState() {
        for (name, text) in (try? persistence?.all(namespace: "auth/list")) ?? [:] {
            if let json = try? JSONParser.parse(text), let list = try? PayloadCoding.decode(LocalAuthList.self, from: json) {
                localLists[name] = list
            }
        }
        for (name, text) in (try? persistence?.all(namespace: "auth/cache")) ?? [:] {
            if let json = try? JSONParser.parse(text), let cache = try? PayloadCoding.decode(AuthorizationCache.self, from: json) {
                caches[name] = cache
            }
        }
        loadReservations()
        loadProfiles()
        loadFirmware()
    }
}
