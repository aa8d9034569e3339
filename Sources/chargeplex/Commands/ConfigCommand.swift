import ArgumentParser
import Configuration

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the configuration file.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a configuration file without starting the agent.",
            discussion: """
                Prints each problem as FILE:LINE: KEY: REASON and exits non-zero, or prints a summary. \
                Besides the file itself, checks that the agent, run as the same user, can write its \
                state directory (or create it).
                """)

        @Argument(help: "The file to check.")
        var file: String = "/etc/chargeplex/chargeplex.toml"

        func run() throws {
            do {
                let configuration = try AgentConfiguration.loadChecked(path: file)
                print("\(file): ok")
                print("  charge point \(configuration.chargePoint.id), \(configuration.board.connectors) connector(s) on a \(configuration.board.kind.rawValue) board")
                print("  state in \(configuration.stateDirectory)")
                for entry in configuration.operators { print("  operator \(entry)") }
                for setting in configuration.ocppSettings { print("  ocpp \(setting.key) = \(setting.value)") }
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
    }
}
