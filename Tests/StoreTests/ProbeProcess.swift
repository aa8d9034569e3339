import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A running `chargeplex-store-probe`, read line by line from its stdout.
final class ProbeProcess {
    enum Failure: Error, CustomStringConvertible {
        case notBuilt(String)
        var description: String {
            switch self {
            case .notBuilt(let path):
                "chargeplex-store-probe not found at \(path); run `swift build` (same --scratch-path) first"
            }
        }
    }

    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private var buffer: [UInt8] = []
    private var reachedEnd = false

    /// The probe built next to the test bundle, in the same products directory.
    static func executable() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["CHARGEPLEX_STORE_PROBE"] {
            return URL(fileURLWithPath: override)
        }
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidates = [runner.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("chargeplex-store-probe") }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw Failure.notBuilt(candidates[0].path)
    }

    init(executable: URL, database: String, count: Int) throws {
        process.executableURL = executable
        process.arguments = [database, String(count)]
        process.standardOutput = output
        process.standardError = errors
        #if os(Linux)
        // One page of pipe keeps the probe at most a page of lines ahead of the reader, so
        // the kill lands while it is still working. F_SETPIPE_SZ is Linux's 1031.
        _ = fcntl(output.fileHandleForReading.fileDescriptor, 1031, Int32(4096))
        #endif
        try process.run()
        // Without this the pipe never reports end-of-file after the probe dies.
        try? output.fileHandleForWriting.close()
        try? errors.fileHandleForWriting.close()
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// The next line of stdout, or `nil` at end of file.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if reachedEnd {
                // A line cut short by the kill never reached its newline: it was not reported.
                return nil
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { reachedEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    /// Sends SIGKILL: no handler, no flushing, no clean-up in the probe.
    func kill() {
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the probe to end and says how.
    func wait() -> (reason: Process.TerminationReason, status: Int32, stderr: String) {
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationReason, process.terminationStatus, text)
    }
}
