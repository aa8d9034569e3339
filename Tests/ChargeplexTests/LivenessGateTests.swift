import Testing

@testable import chargeplex

/// The rule a watchdog ping is sent by: every part of the agent showed life within the
/// stall limit. Times in nanoseconds, from an arbitrary start.
@Suite struct LivenessGateTests {
    static let second: UInt64 = 1_000_000_000
    static let limit = LivenessGate.stallLimit

    /// Drives a gate as the agent does while everything works: ticks every second, a probe
    /// every `pingPeriod` seconds answered `answerDelay` later.
    static func healthyRun(seconds: UInt64, pingPeriod: UInt64, answerDelay: UInt64 = 0) -> [UInt64] {
        var gate = LivenessGate(start: 0)
        var withheldAt: [UInt64] = []
        var pending: (number: UInt64, due: UInt64)?
        for now in stride(from: 0, through: seconds * second, by: Int(second)) {
            gate.completed(.chargePoint, at: now)
            gate.completed(.operators, at: now)
            if let answer = pending, answer.due <= now {
                gate.probeAnswered(answer.number)
                pending = nil
            }
            if now % (pingPeriod * second) == 0 {
                if !gate.stalled(at: now).isEmpty { withheldAt.append(now / second) }
                if let number = gate.nextProbe(at: now) { pending = (number, now + answerDelay * second) }
            }
        }
        return withheldAt
    }

    @Test("a working agent is pinged for, whatever the watchdog interval", arguments: [1, 15, 30, 90] as [UInt64])
    func healthyAgentIsAlwaysPinged(pingPeriod: UInt64) {
        #expect(Self.healthyRun(seconds: 600, pingPeriod: pingPeriod) == [])
        // A board reader held up by a slow Authorize (15 s call timeout) is still alive.
        #expect(Self.healthyRun(seconds: 600, pingPeriod: pingPeriod, answerDelay: 15) == [])
    }

    @Test("a charge point tick that stops completing withholds the pings once the limit has passed")
    func stuckChargePoint() {
        var gate = LivenessGate(start: 0)
        gate.completed(.chargePoint, at: 5 * Self.second)
        for now in stride(from: 5 * Self.second, through: 60 * Self.second, by: Int(Self.second)) {
            gate.completed(.operators, at: now)
        }
        #expect(gate.stalled(at: 5 * Self.second + Self.limit).isEmpty)
        let stalled = gate.stalled(at: 5 * Self.second + Self.limit + 1)
        #expect(stalled.map(\.part) == [.chargePointTick])
        #expect(gate.stalled(at: 60 * Self.second).map(\.seconds) == [55])
        // It recovers when the tick completes again.
        gate.completed(.chargePoint, at: 61 * Self.second)
        #expect(gate.stalled(at: 61 * Self.second).isEmpty)
    }

    @Test("an operators' tick that stops completing withholds the pings")
    func stuckOperators() {
        var gate = LivenessGate(start: 0)
        gate.completed(.chargePoint, at: 30 * Self.second)
        #expect(gate.stalled(at: 30 * Self.second).map(\.part) == [.operatorsTick])
    }

    @Test("an unanswered probe withholds the pings; an answer clears it")
    func deadBoard() {
        var gate = LivenessGate(start: 0)
        let first = gate.nextProbe(at: 0)
        #expect(first != nil)
        gate.completed(.chargePoint, at: 20 * Self.second)
        gate.completed(.operators, at: 20 * Self.second)
        // While one is outstanding no other is sent: the board is judged by the oldest.
        #expect(gate.nextProbe(at: 15 * Self.second) == nil)
        #expect(gate.stalled(at: 20 * Self.second).isEmpty)
        #expect(gate.stalled(at: 21 * Self.second).map(\.part) == [.board])
        // An answer to a probe never sent changes nothing.
        gate.probeAnswered(first! + 1)
        #expect(gate.stalled(at: 21 * Self.second).map(\.part) == [.board])
        gate.probeAnswered(first!)
        #expect(gate.stalled(at: 21 * Self.second).isEmpty)
        #expect(gate.nextProbe(at: 21 * Self.second) == first! + 1)
    }

    @Test("everything stuck is reported together")
    func everythingStuck() {
        var gate = LivenessGate(start: 0)
        _ = gate.nextProbe(at: 0)
        #expect(gate.stalled(at: 25 * Self.second).map(\.part) == [.chargePointTick, .operatorsTick, .board])
    }
}
