import Testing

@testable import Link

/// A Central System that stays down fills the log with one line a minute, not
/// one per reconnect attempt. Time is given to the log, never waited for.
@Suite struct OutageLogTests {
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    @Test func theFirstFailureIsALineAndTheNextOnesWithinAMinuteAreNot() {
        var log = OutageLog()
        #expect(log.failed("cannot connect: refused", at: at(0)) == .down(reason: "cannot connect: refused"))
        for second in [1.5, 4, 9, 20, 45, 59.9] {
            #expect(log.failed("cannot connect: refused", at: at(second)) == nil)
        }
        #expect(log.isDown)
    }

    @Test func whileDownOneLineAMinuteCountsTheAttemptsSinceTheLastLine() {
        var log = OutageLog()
        _ = log.failed("refused", at: at(0))
        // An attempt every 2 s for 5 minutes, as a short backoff would make them.
        var lines: [OutageLog.Line] = []
        for attempt in 1...150 {
            if let line = log.failed("refused", at: at(Double(attempt) * 2)) { lines.append(line) }
        }
        #expect(lines.count == 5)
        #expect(lines.first == .stillDown(failedAttempts: 30, downFor: .seconds(60), reason: "refused"))
        #expect(lines.allSatisfy { if case .stillDown(let failed, _, _) = $0 { failed == 30 } else { false } })
        #expect(lines.last == .stillDown(failedAttempts: 30, downFor: .seconds(300), reason: "refused"))
    }

    @Test func aSummaryCarriesTheLatestReason() {
        var log = OutageLog()
        _ = log.failed("cannot connect: refused", at: at(0))
        _ = log.failed("TLS: certificate has expired", at: at(30))
        #expect(
            log.failed("server refused the WebSocket upgrade with HTTP 401", at: at(61))
                == .stillDown(failedAttempts: 2, downFor: .seconds(61), reason: "server refused the WebSocket upgrade with HTTP 401"))
    }

    @Test func theReturnIsOneLineWithEveryFailedAttempt() {
        var log = OutageLog()
        _ = log.failed("refused", at: at(0))
        for second in stride(from: 5.0, through: 125, by: 5) { _ = log.failed("refused", at: at(second)) }
        #expect(log.recovered(at: at(127)) == .back(failedAttempts: 26, downFor: .seconds(127)))
        #expect(!log.isDown)
        // Up again: nothing more to say, and the next outage starts with its own first line.
        #expect(log.recovered(at: at(130)) == nil)
        #expect(log.failed("closed by the server", at: at(200)) == .down(reason: "closed by the server"))
    }

    @Test func aLinkThatWasNeverDownHasNoReturnToReport() {
        var log = OutageLog()
        #expect(log.recovered(at: at(0)) == nil)
    }

    @Test func eachLinkKeepsItsOwnCount() {
        var billing = OutageLog()
        var home = OutageLog()
        #expect(billing.failed("refused", at: at(0)) != nil)
        #expect(home.failed("refused", at: at(10)) != nil)
        #expect(billing.failed("refused", at: at(61)) == .stillDown(failedAttempts: 1, downFor: .seconds(61), reason: "refused"))
        #expect(home.failed("refused", at: at(61)) == nil)
    }
}
