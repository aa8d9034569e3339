import OCPP16

/// When a profile applies and which of its periods is in force.
///
/// Instants are milliseconds since 1970. `relativeOrigin` is where Relative
/// schedules (and Absolute ones without startSchedule, which OCPP 1.6 defines
/// as relative to the start of charging) begin: the transaction's start, or
/// the moment asked about when there is no transaction.
extension InstalledChargingProfile {
    private static let day: Int64 = 86_400_000
    private static let week: Int64 = 7 * day

    /// The distance between two occurrences of a Recurring profile.
    var recurrence: Int64? {
        guard profile.chargingProfileKind == .recurring else { return nil }
        switch profile.recurrencyKind {
        case .daily: return Self.day
        case .weekly: return Self.week
        case nil: return nil
        }
    }

    /// How long one occurrence of the schedule lasts; nil: until the next
    /// occurrence, or for ever. A recurring schedule longer than its
    /// recurrence is cut where the next occurrence begins.
    var activeLength: Int64? {
        let duration = profile.chargingSchedule.duration.map(Milliseconds.of(seconds:))
        guard let recurrence else { return duration }
        return min(duration ?? recurrence, recurrence)
    }

    /// The period in force at `instant`, nil when the profile does not apply
    /// then (outside validFrom/validTo, before its start, past its duration).
    func period(at instant: Int64, relativeOrigin: Int64) -> ChargingSchedulePeriod? {
        if let validFrom = profile.validFrom, instant < validFrom.millisecondsSince1970 { return nil }
        if let validTo = profile.validTo, instant >= validTo.millisecondsSince1970 { return nil }
        guard let start = occurrence(covering: instant, relativeOrigin: relativeOrigin) else { return nil }
        let elapsed = instant - start
        guard elapsed >= 0 else { return nil }
        if let activeLength, elapsed >= activeLength { return nil }
        return profile.chargingSchedule.chargingSchedulePeriod.last {
            Milliseconds.of(seconds: $0.startPeriod) <= elapsed
        }
    }

    /// The instants strictly inside (lower, upper) at which `period(at:)`
    /// may change: validity bounds, period starts and schedule ends.
    func changeInstants(after lower: Int64, before upper: Int64, relativeOrigin: Int64) -> [Int64] {
        var instants: [Int64] = []
        if let validFrom = profile.validFrom { instants.append(validFrom.millisecondsSince1970) }
        if let validTo = profile.validTo { instants.append(validTo.millisecondsSince1970) }
        for start in occurrences(from: lower, to: upper, relativeOrigin: relativeOrigin) {
            for period in profile.chargingSchedule.chargingSchedulePeriod {
                instants.append(Milliseconds.add(start, seconds: period.startPeriod))
            }
            if let activeLength { instants.append(Milliseconds.add(start, activeLength)) }
        }
        return instants.filter { $0 > lower && $0 < upper }
    }

    /// The start of the occurrence that has most recently begun at `instant`.
    /// A Recurring profile does not reach back before its anchor.
    private func occurrence(covering instant: Int64, relativeOrigin: Int64) -> Int64? {
        let startSchedule = profile.chargingSchedule.startSchedule?.millisecondsSince1970
        switch profile.chargingProfileKind {
        case .absolute:
            return startSchedule ?? relativeOrigin
        case .relative:
            return relativeOrigin
        case .recurring:
            guard let anchor = startSchedule, let recurrence, instant >= anchor else { return nil }
            return anchor + (instant - anchor) / recurrence * recurrence
        }
    }

    /// The starts of every occurrence that overlaps [lower, upper).
    private func occurrences(from lower: Int64, to upper: Int64, relativeOrigin: Int64) -> [Int64] {
        guard let recurrence else {
            return occurrence(covering: lower, relativeOrigin: relativeOrigin).map { [$0] } ?? []
        }
        guard let anchor = profile.chargingSchedule.startSchedule?.millisecondsSince1970 else { return [] }
        var start = occurrence(covering: lower, relativeOrigin: relativeOrigin) ?? anchor
        var starts: [Int64] = []
        while start < upper {
            starts.append(start)
            start += recurrence
        }
        return starts
    }
}
