import Testing

@testable import Board

private let ms: UInt64 = 1_000_000

/// The contactor has 500 ms to follow; feedback times are edge timestamps.
private func supervisor(closedAtStart: Bool = false) -> RelaySupervisor {
    RelaySupervisor(feedback: closedAtStart, at: 0, timeout: 500 * ms)
}

@Suite struct RelaySupervisorTests {
    @Test func aContactorThatFollowsInTimeIsFine() {
        var relay = supervisor()
        #expect(relay.command(closed: true, at: 1000 * ms) == (.drive(true), []))
        #expect(relay.deadline == 1500 * ms)
        #expect(relay.feedback(closed: true, at: 1080 * ms).isEmpty)
        #expect(relay.deadline == nil)
        #expect(relay.poll(now: 5000 * ms).isEmpty)
        #expect(relay.command(closed: false, at: 6000 * ms) == (.drive(false), []))
        #expect(relay.feedback(closed: false, at: 6050 * ms).isEmpty)
        #expect(relay.failure == nil)
    }

    @Test func aContactorThatDoesNotCloseIsReportedAndReleased() {
        var relay = supervisor()
        _ = relay.command(closed: true, at: 1000 * ms)
        #expect(relay.poll(now: 1499 * ms).isEmpty)
        #expect(relay.poll(now: 1500 * ms) == [.raised(.didNotClose)])
        #expect(relay.commanded == false)
        // Nothing more happens by itself: no retry, no second report.
        #expect(relay.poll(now: 9000 * ms).isEmpty)
        #expect(relay.deadline == nil)
    }

    @Test func aLateCloseAfterTheFaultIsAWeldIfItStays() {
        var relay = supervisor()
        _ = relay.command(closed: true, at: 0)
        #expect(relay.poll(now: 500 * ms) == [.raised(.didNotClose)])
        // It closes late, after the coil was released: give it time to drop.
        #expect(relay.feedback(closed: true, at: 700 * ms).isEmpty)
        #expect(relay.poll(now: 999 * ms).isEmpty)
        #expect(relay.feedback(closed: false, at: 800 * ms).isEmpty)
        #expect(relay.failure == .didNotClose)
    }

    @Test func anExplicitNewCloseCommandClearsTheFaultOnceItWorks() {
        var relay = supervisor()
        _ = relay.command(closed: true, at: 0)
        _ = relay.poll(now: 500 * ms)
        #expect(relay.command(closed: true, at: 2000 * ms) == (.drive(true), []))
        #expect(relay.feedback(closed: true, at: 2050 * ms) == [.cleared(.didNotClose)])
        #expect(relay.failure == nil)
    }

    @Test func closedFeedbackWhileCommandedOpenIsAWeld() {
        var relay = supervisor()
        #expect(relay.feedback(closed: true, at: 100 * ms) == [.raised(.welded)])
        #expect(relay.failure == .welded)
    }

    @Test func aContactorThatStaysClosedAfterOpeningIsAWeld() {
        var relay = supervisor()
        _ = relay.command(closed: true, at: 0)
        _ = relay.feedback(closed: true, at: 50 * ms)
        _ = relay.command(closed: false, at: 1000 * ms)
        #expect(relay.poll(now: 1499 * ms).isEmpty)
        #expect(relay.poll(now: 1500 * ms) == [.raised(.welded)])
    }

    @Test func aWeldedContactorRefusesCloseCommandsUntilSeenOpen() {
        var relay = supervisor()
        _ = relay.feedback(closed: true, at: 100 * ms)
        #expect(relay.command(closed: true, at: 200 * ms) == (.refused(.welded), []))
        #expect(relay.commanded == false)
        #expect(relay.feedback(closed: false, at: 300 * ms) == [.cleared(.welded)])
        #expect(relay.command(closed: true, at: 400 * ms) == (.drive(true), []))
    }

    @Test func startingWithTheContactClosedIsCheckedLikeAnOpening() {
        var relay = supervisor(closedAtStart: true)
        #expect(relay.deadline == 500 * ms)
        #expect(relay.poll(now: 500 * ms) == [.raised(.welded)])
        var healthy = supervisor(closedAtStart: true)
        #expect(healthy.feedback(closed: false, at: 20 * ms).isEmpty)
        #expect(healthy.poll(now: 500 * ms).isEmpty)
    }

    @Test func aContactorDroppingOutWhileClosedIsReported() {
        var relay = supervisor()
        _ = relay.command(closed: true, at: 0)
        _ = relay.feedback(closed: true, at: 40 * ms)
        #expect(relay.feedback(closed: false, at: 60_000 * ms) == [.raised(.droppedOut)])
        #expect(relay.commanded == false)
    }

    @Test func aWeldFoundDuringAnotherFaultReplacesIt() {
        var relay = supervisor()
        _ = relay.command(closed: true, at: 0)
        _ = relay.feedback(closed: true, at: 40 * ms)
        _ = relay.feedback(closed: false, at: 1000 * ms)
        #expect(relay.feedback(closed: true, at: 2000 * ms) == [.cleared(.droppedOut), .raised(.welded)])
    }

    @Test func feedbackMovingWithinTheCommandWindowIsNotAFault() {
        var relay = supervisor()
        _ = relay.command(closed: true, at: 0)
        #expect(relay.feedback(closed: true, at: 10 * ms).isEmpty)
        _ = relay.command(closed: false, at: 20 * ms)
        #expect(relay.feedback(closed: true, at: 30 * ms).isEmpty)
        #expect(relay.feedback(closed: false, at: 60 * ms).isEmpty)
        #expect(relay.poll(now: 1000 * ms).isEmpty)
    }
}
