import Testing

@testable import Link

@Suite struct ReconnectBackoffTests {
    /// Always draws the largest value, so the ceiling itself is visible.
    struct Highest: RandomNumberGenerator {
        mutating func next() -> UInt64 { .max }
    }

    @Test func ceilingDoublesUntilTheCap() {
        let backoff = ReconnectBackoff(base: .seconds(2), cap: .seconds(60))
        #expect(backoff.ceiling(afterFailures: 0) == .seconds(2))
        #expect(backoff.ceiling(afterFailures: 1) == .seconds(4))
        #expect(backoff.ceiling(afterFailures: 4) == .seconds(32))
        #expect(backoff.ceiling(afterFailures: 5) == .seconds(60))
        #expect(backoff.ceiling(afterFailures: 10_000) == .seconds(60))
    }

    @Test func delaysStayWithinZeroAndTheCeiling() {
        let backoff = ReconnectBackoff(base: .milliseconds(500), cap: .seconds(30))
        var generator = SystemRandomNumberGenerator()
        for failures in 0..<20 {
            for _ in 0..<50 {
                let delay = backoff.delay(afterFailures: failures, using: &generator)
                #expect(delay >= .zero)
                #expect(delay <= backoff.ceiling(afterFailures: failures))
            }
        }
        var highest = Highest()
        #expect(backoff.delay(afterFailures: 3, using: &highest) > .zero)
    }

    @Test func jitterSpreadsTheDelays() {
        let backoff = ReconnectBackoff(base: .seconds(10), cap: .seconds(10))
        var generator = SystemRandomNumberGenerator()
        let delays = Set((0..<100).map { _ in backoff.delay(afterFailures: 0, using: &generator) })
        #expect(delays.count > 50)
    }
}
