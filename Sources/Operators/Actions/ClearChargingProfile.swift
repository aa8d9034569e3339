import ChargePoint
import OCPP16

/// ClearChargingProfile: any operator, its own profiles.
extension ClearChargingProfileRequest: IncomingAction {}
