import OCPP16

/// Limits from several profiles, possibly in different units, before they
/// are reduced to one `ChargingLimit`.
///
/// Current and power limits are kept apart until the end because turning
/// watts into amperes depends on the number of phases, and the number of
/// phases is itself the smallest any of the profiles allows: a 11 kW cap
/// next to a single-phase 32 A limit must allow 32 A on one phase (7.4 kW),
/// not 15.9 A.
struct LimitConstraint: Sendable, Equatable {
    var amperes: Double?
    var watts: Double?
    var phases: Int

    init(amperes: Double? = nil, watts: Double? = nil, phases: Int) {
        self.amperes = amperes
        self.watts = watts
        self.phases = phases
    }

    init(_ period: ChargingSchedulePeriod, unit: ChargingRateUnit, defaultPhases: Int) {
        let phases = period.numberPhases ?? defaultPhases
        switch unit {
        case .amperes: self.init(amperes: period.limit.value, phases: phases)
        case .watts: self.init(watts: period.limit.value, phases: phases)
        }
    }

    /// Both constraints at once.
    func tightened(by other: LimitConstraint) -> LimitConstraint {
        LimitConstraint(
            amperes: Self.smaller(amperes, other.amperes),
            watts: Self.smaller(watts, other.watts),
            phases: min(phases, other.phases))
    }

    /// The constraint as a current per phase. Without a usable voltage a
    /// power limit cannot be honoured safely, so it suspends charging.
    func resolved(voltage: Double) -> ChargingLimit {
        var current = amperes ?? .infinity
        if let watts {
            current = min(current, voltage > 0 && phases > 0 ? watts / (voltage * Double(phases)) : 0)
        }
        return ChargingLimit(amperes: current, phases: phases)
    }

    /// nil stands for "no constraint".
    static func tightest(_ constraints: some Sequence<LimitConstraint?>) -> LimitConstraint? {
        constraints.reduce(nil) { combined, next in
            guard let next else { return combined }
            return combined?.tightened(by: next) ?? next
        }
    }

    private static func smaller(_ lhs: Double?, _ rhs: Double?) -> Double? {
        guard let lhs else { return rhs }
        guard let rhs else { return lhs }
        return min(lhs, rhs)
    }
}
