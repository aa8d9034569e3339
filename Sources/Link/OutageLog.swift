/// What the log says about one link while its Central System is unreachable:
/// the first failure is a line, the failures after it are summed up in at most
/// one line per `interval` while the link stays down, and its return is one
/// line. Every attempt the summary stands for is still a `trace` line.
///
/// Three operators down used to write a warning per attempt (16 in 27 s);
/// with the backoff's jitter the count says nothing the summary does not.
struct OutageLog: Sendable {
    enum Line: Equatable, Sendable {
        /// The first failure after the link was up (or at start).
        case down(reason: String)
        /// Still down: `failedAttempts` since the last line, `downFor` since the first failure.
        case stillDown(failedAttempts: Int, downFor: Duration, reason: String)
        /// Up again after `failedAttempts` failures in `downFor`.
        case back(failedAttempts: Int, downFor: Duration)
    }

    /// The shortest time between two lines about one outage.
    let interval: Duration
    private var outage: (began: ContinuousClock.Instant, lastLine: ContinuousClock.Instant, sinceLine: Int, total: Int)?

    init(interval: Duration = .seconds(60)) {
        self.interval = interval
    }

    var isDown: Bool { outage != nil }

    /// A connection attempt failed, or an open connection ended, for `reason`.
    mutating func failed(_ reason: String, at now: ContinuousClock.Instant) -> Line? {
        guard var current = outage else {
            outage = (began: now, lastLine: now, sinceLine: 0, total: 1)
            return .down(reason: reason)
        }
        current.sinceLine += 1
        current.total += 1
        var line: Line?
        if now - current.lastLine >= interval {
            line = .stillDown(failedAttempts: current.sinceLine, downFor: now - current.began, reason: reason)
            current.lastLine = now
            current.sinceLine = 0
        }
        outage = current
        return line
    }

    /// The link is up and usable again (its opening calls went through).
    mutating func recovered(at now: ContinuousClock.Instant) -> Line? {
        guard let current = outage else { return nil }
        outage = nil
        return .back(failedAttempts: current.total, downFor: now - current.began)
    }
}
