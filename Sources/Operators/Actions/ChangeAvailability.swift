import ChargePoint
import OCPP16

/// ChangeAvailability: any operator; it never ends a transaction (Scheduled while one runs).
extension ChangeAvailabilityRequest: IncomingAction {}
