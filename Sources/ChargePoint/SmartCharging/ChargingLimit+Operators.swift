import OCPP16

extension ChargingLimit {
    /// The limit to apply to `connectorId` at `instant` when several
    /// operators have installed profiles: the lowest of all their limits.
    /// An operator whose profiles do not limit at that moment constrains
    /// nothing; nil when no operator limits. A result of 0 A means: suspend
    /// charging, keep the transaction.
    ///
    /// Only the transactions' start times in `context` matter here, so one
    /// context serves every operator even though each has its own
    /// transaction ids.
    ///
    /// `externalWatts` is an external power limit in force (a grid
    /// operator's contact, an energy manager): one more party, capping every
    /// connector as a ChargePointMaxProfile in W would.
    public static func lowest(
        among stores: some Sequence<ChargingProfileStore>, at instant: OCPPDateTime, connector connectorId: Int,
        context: SmartChargingContext, externalWatts: Double? = nil
    ) -> ChargingLimit? {
        let now = instant.millisecondsSince1970
        return lowest(
            among: stores, at: now, now: now, connector: connectorId, context: context, externalWatts: externalWatts)
    }

    static func lowest(
        among stores: some Sequence<ChargingProfileStore>, at instant: Int64, now: Int64, connector connectorId: Int,
        context: SmartChargingContext, externalWatts: Double? = nil
    ) -> ChargingLimit? {
        let constraints = stores.lazy.map { $0.constraint(on: connectorId, at: instant, now: now, context: context) }
        let external = externalWatts.map { LimitConstraint(watts: $0, phases: context.configuration.defaultPhases) }
        return LimitConstraint.tightest(Array(constraints) + [external])?.resolved(voltage: context.configuration.voltage)
    }
}
