/// What a watchdog ping vouches for. systemd restarts the agent when the pings stop, so a
/// ping is sent only while every part that keeps a charge safe has shown life recently:
///
/// - the tick loop has completed a tick of the charge point (the actor that owns the
///   connectors and transactions) and, after it, one of the operators (the actor that owns
///   the links), so neither actor nor the loop is stuck;
/// - the board has answered its probe: the answer comes from the board's own event thread
///   (GPIO) through the event stream and the agent's reader of it, behind every board event
///   before it, so a dead GPIO thread or a reader stuck on an event stops the pings too.
///
/// Times are monotonic nanoseconds, given by the caller.
struct LivenessGate: Sendable {
    enum Part: String, CaseIterable, Sendable {
        case chargePointTick = "the charge point's tick"
        case operatorsTick = "the operators' tick"
        case board = "the board's answer to a probe"
    }

    /// The loops that report their own completed rounds.
    enum Tick: Sendable {
        case chargePoint, operators

        var part: Part { self == .chargePoint ? .chargePointTick : .operatorsTick }
    }

    /// How long a part may show no life before it counts as stuck. No step of the agent
    /// waits this long while working normally: the longest await on the board event path is
    /// an Authorize to the authority, bounded by its 15 s call timeout, and ticks come every
    /// second.
    static let stallLimit: UInt64 = 20_000_000_000

    /// When each tick last completed.
    private var completed: [Part: UInt64]
    /// The oldest probe the board has not answered yet.
    private var outstandingProbe: (number: UInt64, sentAt: UInt64)?
    private var lastProbe: UInt64 = 0

    /// The ticks count as completed at `start`: the agent has just set them up.
    init(start: UInt64) {
        completed = [.chargePointTick: start, .operatorsTick: start]
    }

    mutating func completed(_ tick: Tick, at now: UInt64) {
        completed[tick.part] = now
    }

    /// The number of a new probe to send, or nil while an earlier one is unanswered (that
    /// one is what the board is judged by).
    mutating func nextProbe(at now: UInt64) -> UInt64? {
        guard outstandingProbe == nil else { return nil }
        lastProbe += 1
        outstandingProbe = (lastProbe, now)
        return lastProbe
    }

    /// The board's answer to probe `number`; an answer to no probe sent is ignored.
    mutating func probeAnswered(_ number: UInt64) {
        guard let outstanding = outstandingProbe, number >= outstanding.number, number <= lastProbe else { return }
        outstandingProbe = nil
    }

    /// The parts that showed no life within `stallLimit`, each with how long it has been
    /// silent (in whole seconds); empty when a ping may go out.
    func stalled(at now: UInt64) -> [(part: Part, seconds: UInt64)] {
        var stalled: [(part: Part, seconds: UInt64)] = []
        for part in Part.allCases {
            // The board is judged by its oldest unanswered probe: with every probe answered
            // it is alive, however long ago the last one went out.
            let since: UInt64
            if part == .board {
                guard let outstanding = outstandingProbe else { continue }
                since = outstanding.sentAt
            } else {
                since = completed[part] ?? 0
            }
            // A reading older than the record (never, with a monotonic clock) is no stall.
            let silent = now > since ? now - since : 0
            if silent > Self.stallLimit { stalled.append((part, silent / 1_000_000_000)) }
        }
        return stalled
    }
}
