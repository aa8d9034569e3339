import OCPP16

/// When each operator last got sampled values of each transaction, and the
/// last clock-aligned slot it got: each operator has its own cadence.
struct SamplingState: Sendable {
    var lastSample: [String: [Int64: OCPPDateTime]] = [:]
    var lastAlignedSlot: [String: Int64] = [:]
    var transactionStarts: [Int64: OCPPDateTime] = [:]
    var lastEnergy: [Int64: Int64] = [:]

    mutating func transactionStarted(_ ref: Int64, at now: OCPPDateTime) {
        transactionStarts[ref] = now
    }

    mutating func transactionEnded(_ ref: Int64) {
        transactionStarts.removeValue(forKey: ref)
        lastEnergy.removeValue(forKey: ref)
        for key in lastSample.keys { lastSample[key]?.removeValue(forKey: ref) }
    }

    /// Whether `interval` seconds have passed since the last sample of
    /// `ref` for `audience` (counted from the transaction start).
    mutating func sampleDue(_ ref: Int64, for audience: String, interval: Int, now: OCPPDateTime) -> Bool {
        guard interval > 0 else { return false }
        let last = lastSample[audience]?[ref] ?? transactionStarts[ref] ?? now
        guard now.millisecondsSince1970 - last.millisecondsSince1970 >= Int64(interval) * 1000 else { return false }
        lastSample[audience, default: [:]][ref] = now
        return true
    }

    /// Whether a clock-aligned slot (a multiple of `interval` seconds since
    /// midnight UTC) began since the last call for `audience`.
    mutating func alignedDue(for audience: String, interval: Int, now: OCPPDateTime) -> Bool {
        guard interval > 0 else { return false }
        let slot = now.millisecondsSince1970 / (Int64(interval) * 1000)
        defer { lastAlignedSlot[audience] = slot }
        guard let previous = lastAlignedSlot[audience] else { return false }
        return slot > previous
    }
}
