#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The moving parts behind `GPIOBoard`: the lines, the logic under a lock,
/// and the thread that waits on the input lines' descriptors.
///
/// `@unchecked Sendable` because the lines are C handles: outputs are
/// driven only while `state` is locked, inputs are read only by the event
/// thread, and both are released only after that thread has been joined.
final class GPIOBoardRuntime: @unchecked Sendable {
    private struct State {
        var logic: BoardLogic
        var running = true
        /// Probes asked for and not yet answered by the event thread.
        var probes: [UInt64] = []
    }

    private let state: Mutex<State>
    private let outputs: [LineRole: RequestedLine]
    private let inputs: [RequestedLine]
    private let continuation: AsyncStream<BoardEvent>.Continuation
    /// Sees every event before it is yielded (the energy manager's server
    /// learns the contact's limit so).
    private let observe: (@Sendable (BoardEvent) -> Void)?
    private let log: BoardLog
    private let traceEdges: Bool
    /// Wakes the event thread: a 0 byte after a command, a signal number
    /// from the signal handler.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let thread = Mutex<pthread_t?>(nil)
    private let handledSignals = Mutex<[Int32]>([])

    init(
        logic: BoardLogic, outputs: [LineRole: RequestedLine], inputs: [RequestedLine],
        continuation: AsyncStream<BoardEvent>.Continuation, traceEdges: Bool, log: @escaping BoardLog,
        observe: (@Sendable (BoardEvent) -> Void)? = nil
    ) throws(GPIOBoardError) {
        self.observe = observe
        self.outputs = outputs
        self.inputs = inputs
        self.continuation = continuation
        self.traceEdges = traceEdges
        self.log = log
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw .system("cannot create the event thread's wake pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
        for event in logic.startOutputs() { if case .event(let event) = event { observe?(event); continuation.yield(event) } }
        state = Mutex(State(logic: logic))
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<GPIOBoardRuntime>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<GPIOBoardRuntime>.fromOpaque(context).release()
            throw .system("cannot start the GPIO event thread: \(String(cString: strerror(result)))")
        }
        thread.withLock { $0 = handle }
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    func perform(_ command: BoardCommand) {
        let logs = state.withLock { state -> [(BoardLogLevel, String)] in
            guard state.running else { return [(.warning, "command after close ignored: \(command)")] }
            return carryOut(state.logic.perform(command, now: monotonicNow()))
        }
        emit(logs)
        // A command may set a deadline (a relay awaiting its feedback).
        wake(0)
    }

    func makeSafe() {
        emit(state.withLock { state in carryOut(state.logic.makeSafe(now: monotonicNow())) })
        // Opening starts the wait for the contactor to follow.
        wake(0)
    }

    /// The event thread answers on its next round, after the edges it reads then.
    func probe(_ number: UInt64) {
        let accepted = state.withLock { state in
            guard state.running else { return false }
            state.probes.append(number)
            return true
        }
        if accepted { wake(0) }
    }

    func close() {
        let logs = state.withLock { state -> [(BoardLogLevel, String)]? in
            guard state.running else { return nil }
            state.running = false
            return carryOut(state.logic.makeSafe(now: monotonicNow()))
        }
        guard let logs else { return }
        emit(logs)
        wake(0)
        if let handle = thread.withLock({ $0 }) {
            if pthread_equal(handle, pthread_self()) != 0 {
                pthread_detach(handle)
            } else {
                pthread_join(handle, nil)
            }
        }
        // The pipe closes with this object: a later signal must not write
        // to whatever reuses its descriptor.
        for signo in handledSignals.withLock({ $0 }) { signal(signo, SIG_DFL) }
        if signalWakeDescriptor == wakeWrite { signalWakeDescriptor = -1 }
        for line in outputs.values { line.release() }
        for line in inputs { line.release() }
        continuation.finish()
    }

    func openRelays(on signals: [Int32]) {
        signalWakeDescriptor = wakeWrite
        handledSignals.withLock { $0 += signals }
        for signo in signals { signal(signo, relayOpeningSignalHandler) }
    }

    /// Drives output levels; runs with `state` locked so drives keep the
    /// logic's order. Events are yielded here too, for the same reason.
    private func carryOut(_ outputs: [BoardLogic.Output]) -> [(BoardLogLevel, String)] {
        var logs: [(BoardLogLevel, String)] = []
        for output in outputs {
            switch output {
            case .drive(let role, let level):
                if let line = self.outputs[role], !line.drive(level) {
                    logs.append((.error, "\(role): cannot set the line: \(String(cString: strerror(errno)))"))
                }
            case .event(let event):
                observe?(event)
                continuation.yield(event)
            case .log(let level, let text):
                logs.append((level, text))
            }
        }
        return logs
    }

    private func emit(_ logs: [(BoardLogLevel, String)]) {
        for (level, text) in logs { log(level, text) }
    }

    private func wake(_ byte: UInt8) {
        var byte = byte
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: The event thread

    private func run() {
        raisePriority()
        var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        descriptors += inputs.map { pollfd(fd: $0.eventDescriptor, events: Int16(POLLIN), revents: 0) }
        var edges: [BoardLogic.Edge] = []
        edges.reserveCapacity(64)
        while let deadline = state.withLock({ $0.running ? $0.logic.nextDeadline ?? .max : nil }) {
            wait(&descriptors, until: deadline)
            let signal = drainWake(descriptors[0])
            edges.removeAll(keepingCapacity: true)
            var logs: [(BoardLogLevel, String)] = []
            for index in inputs.indices {
                let events = descriptors[index + 1].revents
                if events & Int16(POLLIN) != 0 {
                    inputs[index].readEdges(into: &edges)
                } else if events & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                    // The chip went away; polling it again would spin.
                    descriptors[index + 1].fd = -1
                    logs.append((.error, "\(inputs[index].role): the line stopped delivering edges"))
                }
            }
            // Two lines are two kernel queues: merge them in time order.
            edges.sort { $0.time < $1.time }
            if traceEdges {
                logs += edges.map { (.debug, "edge \($0.role) \($0.level ? "rising" : "falling") at \($0.time) ns") }
            }
            let now = monotonicNow()
            logs += state.withLock { state in
                var outputs: [BoardLogic.Output] = []
                for edge in edges { outputs += state.logic.edge(edge, now: now) }
                outputs += state.logic.poll(now: now)
                outputs += state.probes.map { .event(.alive(probe: $0)) }
                state.probes.removeAll()
                return carryOut(outputs)
            }
            emit(logs)
            if let signal { endProcess(signal) }
        }
    }

    private func wait(_ descriptors: inout [pollfd], until deadline: UInt64) {
        for index in descriptors.indices { descriptors[index].revents = 0 }
        var timeout: Int32 = -1
        if deadline != .max {
            // Rounded up: waking a little late is harmless, waking early
            // would spin until the deadline.
            let now = monotonicNow()
            let remaining = deadline > now ? deadline - now : 0
            timeout = Int32(min((remaining + 999_999) / 1_000_000, UInt64(Int32.max)))
        }
        _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
    }

    /// Empties the wake pipe; returns a signal number if one was sent.
    private func drainWake(_ descriptor: pollfd) -> Int32? {
        guard descriptor.revents & Int16(POLLIN) != 0 else { return nil }
        var signal: Int32?
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(wakeRead, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            if let number = buffer.prefix(count).last(where: { $0 != 0 }) { signal = Int32(number) }
        }
        return signal
    }

    /// The relays are open before the signal is allowed to end the process.
    private func endProcess(_ signo: Int32) {
        emit(state.withLock { state in carryOut(state.logic.makeSafe(now: monotonicNow())) })
        log(.warning, "signal \(signo): every relay opened, exiting")
        signal(signo, SIG_DFL)
        raise(signo)
    }

    /// Wiegand bits are a millisecond apart and the kernel queues only 16
    /// edges per line (libgpiod 1.x; 64 with 2.x), so the reader thread
    /// should not wait behind the rest of the agent. Needs CAP_SYS_NICE or an
    /// RLIMIT_RTPRIO of at least 10 (the service's LimitRTPRIO=); without
    /// either the thread runs as is.
    private func raisePriority() {
        var parameters = sched_param(sched_priority: 10)
        let result = pthread_setschedparam(pthread_self(), Int32(SCHED_FIFO), &parameters)
        log(.debug, result == 0
            ? "GPIO event thread runs at real-time priority 10"
            : "GPIO event thread runs at normal priority (\(String(cString: strerror(result))))")
    }
}

/// Where the signal handler writes; a C handler cannot capture context.
nonisolated(unsafe) private var signalWakeDescriptor: Int32 = -1

/// Async-signal-safe: one `write` to the wake pipe, `errno` preserved.
private func relayOpeningSignalHandler(_ signo: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signo)
    _ = write(signalWakeDescriptor, &byte, 1)
    errno = saved
}
