import ArgumentParser
import Configuration
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent: connect the board and every operator.",
        discussion: """
            Reads the configuration file, opens the board, restores what a power \
            cut interrupted, connects to every enabled operator and serves until \
            SIGTERM. On SIGTERM the relays open, running transactions stop with \
            reason Reboot and their StopTransaction is stored before exit.
            """)

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "/etc/chargeplex/chargeplex.toml"

    func run() async throws {
        let configuration = try configurationOrExit(config, checked: true, prefix: "chargeplex: configuration refused: ", status: 2)
        let format = LogFormat.forStandardError()
        let level = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        LoggingSystem.bootstrap { _ in
            var handler = AgentLogHandler(format: format, history: .shared)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "chargeplex")
        do {
            let agent = try Agent(configuration: configuration, configurationFile: config, logger: logger)
            try await agent.run()
        } catch {
            printError("chargeplex: \(error)")
            throw ExitCode(1)
        }
    }
}

/// The configuration file read for a command, or the command ends: the reason on
/// standard error (after `prefix`) and exit status `status`.
func configurationOrExit(
    _ path: String, checked: Bool = false, prefix: String = "", status: Int32
) throws -> AgentConfiguration {
    do {
        return checked ? try AgentConfiguration.loadChecked(path: path) : try AgentConfiguration.load(path: path)
    } catch {
        printError(prefix + "\(error)")
        throw ExitCode(status)
    }
}

func printError(_ text: String) {
    var standardError = StandardError()
    print(text, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        // File descriptor 2 directly: the C `stderr` global is shared mutable state.
        _ = string.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
