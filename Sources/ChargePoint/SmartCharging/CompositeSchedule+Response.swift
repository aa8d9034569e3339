import OCPP16

extension CompositeSchedule {
    /// Answers GetCompositeSchedule.req from the profiles in `stores`:
    /// `Rejected` for a connector the charger does not have or a negative
    /// duration. The schedule starts at `now` cut to the whole second and
    /// is in the requested unit, else the charger's preferred one.
    ///
    /// Which stores to pass is the caller's choice: the requester's own to
    /// show what it has set, or every operator's to show what is applied.
    /// An external limit in force (`externalWatts`) caps it for everyone.
    public static func response(
        to request: GetCompositeScheduleRequest, now: OCPPDateTime, stores: [ChargingProfileStore],
        context: SmartChargingContext, externalWatts: Double? = nil
    ) -> GetCompositeScheduleResponse {
        let configuration = context.configuration
        guard request.connectorId >= 0, request.connectorId <= configuration.connectorCount, request.duration >= 0
        else { return GetCompositeScheduleResponse(status: .rejected) }

        let milliseconds = now.millisecondsSince1970
        let remainder = (milliseconds % Milliseconds.perSecond + Milliseconds.perSecond) % Milliseconds.perSecond
        let start = OCPPDateTime(millisecondsSince1970: milliseconds - remainder)
        let schedule = CompositeSchedule(
            connectorId: request.connectorId, start: start, duration: request.duration, stores: stores,
            context: context, externalWatts: externalWatts)
        return GetCompositeScheduleResponse(
            status: .accepted, connectorId: request.connectorId, scheduleStart: start,
            chargingSchedule: schedule.chargingSchedule(
                in: request.chargingRateUnit ?? configuration.preferredUnit, configuration: configuration))
    }
}

extension ChargingProfileStore {
    /// GetCompositeSchedule.conf from this operator's profiles alone, and
    /// the external limit in force, if any.
    public func compositeScheduleResponse(
        to request: GetCompositeScheduleRequest, now: OCPPDateTime, context: SmartChargingContext,
        externalWatts: Double? = nil
    ) -> GetCompositeScheduleResponse {
        CompositeSchedule.response(to: request, now: now, stores: [self], context: context, externalWatts: externalWatts)
    }
}
