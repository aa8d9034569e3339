import OCPP16

/// GetCompositeSchedule: the lowest of every operator's limits, as applied.
extension GetCompositeScheduleRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> GetCompositeScheduleResponse {
        chargePoint.compositeSchedule(self, for: origin.operatorName ?? "", now: now)
    }
}
