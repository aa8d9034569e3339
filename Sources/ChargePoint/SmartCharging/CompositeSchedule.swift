import OCPP16

/// The limit on one connector over a window of time, as the installed
/// profiles of one or more operators make it: what GetCompositeSchedule
/// reports and what the charge point will apply.
///
/// Connector 0 stands for the charge point as a whole, whose only limit is
/// the ChargePointMaxProfile.
public struct CompositeSchedule: Sendable, Equatable {
    /// From `startOffset` seconds after `start` until the next period, at most
    /// `limit` (nil: nothing limits).
    public struct Period: Sendable, Equatable {
        public var startOffset: Int
        public var limit: ChargingLimit?

        public init(startOffset: Int, limit: ChargingLimit?) {
            self.startOffset = startOffset
            self.limit = limit
        }
    }

    /// The longest window computed, so that a request for years of schedule
    /// over a daily profile cannot tie the charger up.
    public static let maximumDuration = 31 * 86_400

    public var connectorId: Int
    public var start: OCPPDateTime
    /// Seconds; the requested duration, cut to `maximumDuration`.
    public var duration: Int
    /// Ordered by `startOffset`, the first at 0, no two neighbours alike.
    public var periods: [Period]

    public init(connectorId: Int, start: OCPPDateTime, duration: Int, periods: [Period]) {
        self.connectorId = connectorId
        self.start = start
        self.duration = duration
        self.periods = periods
    }

    /// Computes the lowest limit of all `stores` on `connectorId` over
    /// [start, start + duration). `start` is taken as "now": Relative
    /// profiles without a transaction begin there. An external limit in
    /// force (`externalWatts`) has no end known in advance: it caps the
    /// whole window.
    public init(
        connectorId: Int, start: OCPPDateTime, duration: Int, stores: [ChargingProfileStore],
        context: SmartChargingContext, externalWatts: Double? = nil
    ) {
        let duration = min(max(duration, 0), Self.maximumDuration)
        let lower = start.millisecondsSince1970
        let upper = Milliseconds.add(lower, seconds: duration)

        var instants: Set<Int64> = [lower]
        for store in stores {
            for entry in store.candidates(for: connectorId, context: context) {
                let origin = store.relativeOrigin(
                    for: entry.profile.chargingProfilePurpose, connector: connectorId, now: lower, context: context)
                instants.formUnion(entry.changeInstants(after: lower, before: upper, relativeOrigin: origin))
            }
        }

        var periods: [Period] = []
        for instant in instants.sorted() {
            let limit = ChargingLimit.lowest(
                among: stores, at: instant, now: lower, connector: connectorId, context: context,
                externalWatts: externalWatts)
            // A change at a fraction of a second is reported from the next
            // whole second, when it is surely in force.
            let offset = Int((instant - lower + Milliseconds.perSecond - 1) / Milliseconds.perSecond)
            guard offset == 0 || offset < duration else { continue }
            if periods.last?.startOffset == offset { periods.removeLast() }
            if let last = periods.last, last.limit == limit { continue }
            periods.append(Period(startOffset: offset, limit: limit))
        }
        self.init(connectorId: connectorId, start: start, duration: duration, periods: periods)
    }

    /// The schedule as OCPP carries it, in `unit`. Stretches without any
    /// limit are reported at the connector's rated current, since a
    /// schedule period cannot say "unlimited". Limits are rounded down to a
    /// tenth so that the reported value is never above the real one.
    public func chargingSchedule(
        in unit: ChargingRateUnit, configuration: SmartChargingConfiguration
    ) -> ChargingSchedule {
        let rated = ChargingLimit(amperes: configuration.ratedAmperes, phases: configuration.defaultPhases)
        var rendered: [ChargingSchedulePeriod] = []
        for period in periods {
            let limit = period.limit ?? rated
            let value = unit == .amperes ? limit.amperes : limit.watts(voltage: configuration.voltage)
            let next = ChargingSchedulePeriod(
                startPeriod: period.startOffset, limit: Self.roundedDown(value), numberPhases: limit.phases)
            if let last = rendered.last, last.limit == next.limit, last.numberPhases == next.numberPhases { continue }
            rendered.append(next)
        }
        return ChargingSchedule(
            duration: duration, startSchedule: start, chargingRateUnit: unit, chargingSchedulePeriod: rendered)
    }

    /// The tenth at or below `value`, forgiving the last bits of a division
    /// (11 000 W / 690 V × 690 V must stay 11 000 W).
    static func roundedDown(_ value: Double) -> ChargingRate {
        // Nothing, not a number, or beyond what an Int holds in tenths: no
        // conversion that could trap.
        guard value > 0 else { return ChargingRate(tenths: 0) }
        guard value * 10 < 9e18 else { return ChargingRate(tenths: .max) }
        return ChargingRate(tenths: Int((value * 10 + 1e-6).rounded(.down)))
    }
}
