import ChargePoint
import OCPP16

/// GetCompositeSchedule: any operator; the lowest of all operators' limits.
extension GetCompositeScheduleRequest: IncomingAction {}
