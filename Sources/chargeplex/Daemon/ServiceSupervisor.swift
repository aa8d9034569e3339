import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The agent's side of its systemd service: readiness, the STATUS line, the watchdog pings
/// and the notice of stopping. Outside systemd (no NOTIFY_SOCKET) it sends nothing.
///
/// Pings go out every half watchdog interval. While the agent starts and while it stops they
/// go out unconditionally (TimeoutStartSec= and TimeoutStopSec= bound those phases); while it
/// runs, only when `LivenessGate` finds every part alive. Then a stuck part stops the pings and
/// systemd restarts the agent one watchdog interval after the last one.
final class ServiceSupervisor: Sendable {
    enum Phase: Sendable {
        case starting, running, stopping
    }

    private struct State {
        var phase = Phase.starting
        var gate: LivenessGate
        /// The STATUS text last sent, so that an unchanged one is not sent again.
        var status: String?
        /// What the pings are held back for, while they are.
        var withheld: String?
        var probe: (@Sendable (UInt64) -> Void)?
        var pinger: PingTimer?
    }

    let notify: SystemdNotify
    private let logger: Logger
    private let state: Mutex<State>

    init(notify: SystemdNotify, logger: Logger) {
        self.notify = notify
        self.logger = logger
        state = Mutex(State(gate: LivenessGate(start: Self.now())))
    }

    /// Starts the pings, if systemd asked for them; the agent is starting.
    ///
    /// The pinger runs on a dispatch thread of its own, not in Swift's task pool: whatever
    /// blocks the agent's tasks, the pinger still judges, holds the pings back and says why
    /// (log and STATUS) before systemd restarts the agent.
    func startWatchdog() {
        guard let interval = notify.watchdogInterval else { return }
        let period = interval / 2
        let (seconds, attoseconds) = period.components
        let nanoseconds = Int(clamping: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        logger.info("systemd watchdog on", metadata: ["interval": "\(interval)", "ping": "\(period)"])
        let pinger = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "chargeplex.watchdog"))
        pinger.schedule(deadline: .now(), repeating: .nanoseconds(max(1_000_000, nanoseconds)))
        pinger.setEventHandler { [self] in round() }
        state.withLock { $0.pinger = PingTimer(source: pinger) }
        pinger.resume()
    }

    /// The agent serves: READY=1 with its first status. From now on a ping needs every part
    /// alive; `probe` asks the board for a sign of life.
    func ready(status: String, probe: @escaping @Sendable (UInt64) -> Void) {
        state.withLock { state in
            state.phase = .running
            state.gate = LivenessGate(start: Self.now())
            state.probe = probe
            state.status = status
        }
        notify.send("READY=1", "STATUS=" + status)
    }

    func completed(_ tick: LivenessGate.Tick) {
        let now = Self.now()
        state.withLock { $0.gate.completed(tick, at: now) }
    }

    func probeAnswered(_ number: UInt64) {
        state.withLock { $0.gate.probeAnswered(number) }
    }

    /// Sends `status` if it differs from the last one sent (and no stall is being shown).
    func update(status: String) {
        let changed = state.withLock { state -> Bool in
            guard state.phase == .running, state.withheld == nil, state.status != status else { return false }
            state.status = status
            return true
        }
        if changed { notify.send("STATUS=" + status) }
    }

    /// STOPPING=1 with what the agent does before it exits.
    func stopping(status: String) {
        state.withLock { state in
            state.phase = .stopping
            state.status = status
        }
        notify.send("STOPPING=1", "STATUS=" + status)
    }

    /// The last word, just before the process ends.
    func stopped(status: String) {
        let pinger = state.withLock { state in
            state.status = status
            return state.pinger
        }
        pinger?.source.cancel()
        notify.send("STATUS=" + status)
    }

    /// One round of the pinger: judge, ping or hold back, probe the board.
    private func round() {
        let now = Self.now()
        enum Outcome {
            case ping
            case withhold(String, firstTime: Bool)
            case recovered(String?)
        }
        let (outcome, probe) = state.withLock { state -> (Outcome, (number: UInt64, send: @Sendable (UInt64) -> Void)?) in
            guard state.phase == .running else { return (.ping, nil) }
            let stalled = state.gate.stalled(at: now)
            var outcome = Outcome.ping
            if !stalled.isEmpty {
                let reason = stalled.map { "\($0.part.rawValue) has shown no life for \($0.seconds) s" }.joined(separator: ", ")
                outcome = .withhold(
                    "watchdog pings withheld: \(reason); systemd restarts the agent unless this ends",
                    firstTime: state.withheld == nil)
                state.withheld = reason
            } else if state.withheld != nil {
                state.withheld = nil
                outcome = .recovered(state.status)
            }
            guard let send = state.probe, let number = state.gate.nextProbe(at: now) else { return (outcome, nil) }
            return (outcome, (number, send))
        }
        switch outcome {
        case .ping:
            notify.send("WATCHDOG=1")
        case .withhold(let text, let firstTime):
            if firstTime { logger.critical("\(text)") }
            notify.send("STATUS=" + text)
        case .recovered(let status):
            logger.notice("watchdog pings resume: every part of the agent is alive again")
            notify.send("WATCHDOG=1")
            if let status { notify.send("STATUS=" + status) }
        }
        if let probe { probe.send(probe.number) }
    }

    /// Monotonic nanoseconds.
    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// The pinger's timer. A dispatch source may be cancelled from any thread, which the Swift
/// overlay of libdispatch does not declare.
private final class PingTimer: @unchecked Sendable {
    let source: any DispatchSourceTimer
    init(source: any DispatchSourceTimer) { self.source = source }
}
