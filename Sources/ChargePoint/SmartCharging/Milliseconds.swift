/// Saturating arithmetic on instants in milliseconds since 1970: durations
/// and period starts arrive from the network and may be absurdly large, and
/// an overflow trap would take the whole charger down.
enum Milliseconds {
    static let perSecond: Int64 = 1000

    static func of(seconds: Int) -> Int64 {
        let (product, overflow) = Int64(clamping: seconds).multipliedReportingOverflow(by: perSecond)
        if overflow { return seconds < 0 ? .min : .max }
        return product
    }

    static func add(_ instant: Int64, _ milliseconds: Int64) -> Int64 {
        let (sum, overflow) = instant.addingReportingOverflow(milliseconds)
        if overflow { return milliseconds < 0 ? .min : .max }
        return sum
    }

    static func add(_ instant: Int64, seconds: Int) -> Int64 {
        add(instant, of(seconds: seconds))
    }
}
