import ChargePoint
import OCPP16

/// GetLocalListVersion: any operator, its own list.
extension GetLocalListVersionRequest: IncomingAction {}
