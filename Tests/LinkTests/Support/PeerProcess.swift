import Foundation
import OCPP16
import Synchronization

/// A process a test talks to over its standard streams: lines it prints go into `log`,
/// commands go to its stdin.
///
/// `@unchecked Sendable`: `Process` and the pipe handles are only used through calls that
/// are safe from any thread (launch, write, signal, wait).
final class PeerProcess: @unchecked Sendable {
    let log = EventLog<PeerLine>()
    let name: String
    private let process = Process()
    private let input = Pipe()

    init(name: String, executable: String, arguments: [String]) throws {
        self.name = name
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()

        let (lines, sink) = AsyncStream.makeStream(of: String.self)
        // A blocking reader thread keeps line order; one consumer task feeds the log.
        let reader = output.fileHandleForReading
        let thread = Thread {
            var pending = Data()
            while true {
                // availableData returns whatever arrived (empty at end of file), unlike
                // read(upToCount:), which waits for the full count.
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    sink.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            sink.finish()
        }
        thread.start()
        let log = self.log
        Task {
            for await line in lines { await log.append(PeerLine(line)) }
            await log.end()
        }
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// Writes one line to the process's stdin.
    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    func send(_ command: JSONValue) {
        send(JSONWriter.string(command))
    }

    /// The first line at or after `from` that matches, or a failure after `timeout`.
    @discardableResult
    func expect(
        from: Int = 0, _ what: String, timeout: Duration = .seconds(30),
        where matches: @escaping @Sendable (PeerLine) -> Bool
    ) async throws -> (index: Int, entry: PeerLine) {
        let log = self.log
        return try await withDeadline(timeout, "\(name): \(what)") {
            try await log.first(from: from, where: matches)
        }
    }

    /// The first JSON event named `event` at or after `from` that matches.
    @discardableResult
    func expect(
        event: String, from: Int = 0, timeout: Duration = .seconds(30),
        where matches: @escaping @Sendable (PeerLine) -> Bool = { _ in true }
    ) async throws -> (index: Int, entry: PeerLine) {
        try await expect(from: from, "event \(event)", timeout: timeout) { $0.event == event && matches($0) }
    }

    /// Kills the process at once, as a power cut or crash would.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    let after: Duration
    var description: String { "gave up waiting for \(what) after \(after)" }
}

/// Runs `body`, failing with `DeadlineExceeded` if it has not finished after `timeout`.
/// A safety net against a hung test, never a way to wait for something.
///
/// The wait ends at the deadline even if `body` ignores cancellation (a continuation that is
/// never resumed, say), so a bug shows up as a failed test rather than a hung run.
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let decided = FirstOnly()
    var work: Task<Void, Never>?
    var timer: Task<Void, Never>?
    defer {
        work?.cancel()
        timer?.cancel()
    }
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        @Sendable func finish(_ result: Result<T, any Error>) {
            if decided.claim() { continuation.resume(with: result) }
        }
        work = Task { finish(await Result(awaiting: body)) }
        timer = Task {
            try? await Task.sleep(for: timeout)
            finish(.failure(DeadlineExceeded(what: what, after: timeout)))
        }
    }
}

/// True for the first caller of `claim()` only.
final class FirstOnly: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}

extension Result where Failure == any Error {
    init(awaiting body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
