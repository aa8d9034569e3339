import OCPP16

/// ClearCache: the asking operator's own authorization cache.
extension ClearCacheRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> ClearCacheResponse {
        let name = origin.operatorName ?? ""
        chargePoint.caches[name, default: AuthorizationCache()].clear()
        chargePoint.saveAuthState(for: name, list: false)
        return ClearCacheResponse(status: .accepted)
    }
}
