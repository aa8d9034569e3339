import ChargePoint
import OCPP16

/// ClearCache: any operator, its own cache.
extension ClearCacheRequest: IncomingAction {}
