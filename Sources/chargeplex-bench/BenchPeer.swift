import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A peer process for a benchmark (the Python Central System), spawned without Foundation.
///
/// A detached thread drains its stdout, so a chatty peer never blocks on a full pipe while
/// the benchmark hammers it, and reports the first line that matches what we wait for.
final class BenchPeer: Sendable {
    let pid: pid_t
    private let input: Int32
    private let reader: LineReader

    struct SpawnFailed: Error {}

    /// Starts `arguments[0]` from PATH with piped stdin and stdout; stderr is discarded.
    /// `observe`, if given, sees every line with the monotonic time it was read.
    init(_ arguments: [String], observe: (@Sendable (String, Double) -> Void)? = nil) throws {
        var stdinPipe: [Int32] = [0, 0]
        var stdoutPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0 else { throw SpawnFailed() }
        // Close-on-exec, so no peer inherits another one's pipes (dup2 onto 0 and 1 clears
        // the flag for the child's own).
        for descriptor in stdinPipe + stdoutPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, arguments[0], &actions, nil, argv, environ)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            throw SpawnFailed()
        }
        pid = child
        input = stdinPipe[1]
        reader = LineReader(descriptor: stdoutPipe[0], observe: observe)
        reader.start()
    }

    /// Waits for the first line, from now on or already seen, that starts with `prefix`.
    func line(startingWith prefix: String) async -> String? {
        await reader.first(startingWith: prefix)
    }

    func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(input)
    }
}

/// Reads lines from a descriptor on its own thread.
private final class LineReader: Sendable {
    private struct State {
        var lines: [String] = []
        var waiters: [(prefix: String, continuation: CheckedContinuation<String?, Never>)] = []
        var ended = false
    }

    private let descriptor: Int32
    private let observe: (@Sendable (String, Double) -> Void)?
    private let state = Mutex(State())

    init(descriptor: Int32, observe: (@Sendable (String, Double) -> Void)?) {
        self.descriptor = descriptor
        self.observe = observe
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        pthread_create(&thread, nil, { argument in
            let reader = Unmanaged<LineReader>.fromOpaque(argument!).takeRetainedValue()
            reader.readUntilEnd()
            return nil
        }, context)
        pthread_detach(thread)
    }

    func first(startingWith prefix: String) async -> String? {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if let line = state.lines.first(where: { $0.hasPrefix(prefix) }) {
                    continuation.resume(returning: line)
                } else if state.ended {
                    continuation.resume(returning: nil)
                } else {
                    state.waiters.append((prefix, continuation))
                }
            }
        }
    }

    private func readUntilEnd() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            let readAt = Measure.now()
            pending += buffer[0..<count]
            var lineStart = 0
            while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[lineStart..<newline], as: UTF8.self)
                observe?(line, readAt)
                deliver(line)
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart)
        }
        close(descriptor)
        let waiters = state.withLock { state in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    private func deliver(_ line: String) {
        let matched = state.withLock { state in
            // Only the first lines matter (the listening line); the flood of call lines that
            // follows is read and dropped.
            if state.lines.count < 100 { state.lines.append(line) }
            let (matching, rest) = (state.waiters.filter { line.hasPrefix($0.prefix) }, state.waiters.filter { !line.hasPrefix($0.prefix) })
            state.waiters = rest
            return matching
        }
        for waiter in matched { waiter.continuation.resume(returning: line) }
    }
}
