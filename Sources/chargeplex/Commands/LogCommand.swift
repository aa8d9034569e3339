import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the running agent's recent log; -f keeps following it.",
        discussion: """
            The agent keeps its last 1000 log lines in memory (the same lines GetDiagnostics \
            reports). This shows them from the agent itself, wherever its standard error goes. \
            With -f, new lines follow as they are logged until Ctrl-C, or until the agent stops.
            """)

    @OptionGroup var state: StateOptions

    @Flag(name: [.short, .customLong("follow")], help: "Keep printing new lines as the agent logs them.")
    var follow = false

    @Option(name: [.customShort("n"), .customLong("lines")], help: "How many of the latest lines to show first (0 to 1000).")
    var lines = 100

    func validate() throws {
        guard (0...1000).contains(lines) else { throw ValidationError("--lines is 0 to 1000") }
    }

    func run() throws {
        do {
            try ControlClient.stream("log \(lines)" + (follow ? " follow" : ""), socketPath: state.socketPath) { text in
                StandardOutput.write(text)
            }
        } catch {
            printError("chargeplex: \(error)")
            throw ExitCode(1)
        }
        if follow {
            printError("chargeplex: the agent ended the log: it stopped")
            throw ExitCode(1)
        }
    }
}

/// Standard output written at once, unbuffered: a followed log must show each line as it comes,
/// also through a pipe.
enum StandardOutput {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
