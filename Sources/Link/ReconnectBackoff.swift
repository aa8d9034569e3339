/// Exponential backoff with full jitter: after `n` failed attempts in a row the next one
/// waits a random time in `0 ... min(cap, base * 2^n)`.
///
/// The jitter keeps a fleet of chargers from reconnecting in lockstep after an outage of
/// their Central System; a successful open starts the count again at zero.
public struct ReconnectBackoff: Sendable, Equatable {
    /// The longest wait before the first retry.
    public var base: Duration
    /// The longest wait ever.
    public var cap: Duration

    public init(base: Duration = .seconds(3), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    /// The upper bound of the wait after `failures` failed attempts in a row.
    public func ceiling(afterFailures failures: Int) -> Duration {
        let baseNanos = Self.nanoseconds(base)
        let capNanos = Self.nanoseconds(cap)
        // Doubling past 62 bits would overflow; any cap is reached long before.
        let exponent = min(max(failures, 0), 62)
        let (scaled, overflow) = baseNanos.multipliedReportingOverflow(by: Int64(1) << exponent)
        return .nanoseconds(overflow ? capNanos : min(capNanos, scaled))
    }

    /// A wait drawn uniformly from `0 ... ceiling(afterFailures:)`.
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.nanoseconds(ceiling(afterFailures: failures))
        guard ceiling > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceiling, using: &generator))
    }

    public func delay(afterFailures failures: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &generator)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : whole + attoseconds / 1_000_000_000
    }
}
