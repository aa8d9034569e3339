import ArgumentParser
import Configuration

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the configuration file.",
        subcommands: [Check.self, Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show the configuration in force: every setting, defaults filled in, secrets masked.",
            discussion: """
                Prints the configuration file as the agent reads it, each setting the file leaves out \
                with its default, and per operator its URL with the charge point id in place, its \
                security profile and the OCPP keys it starts with. When the agent is running, then \
                also the operator list it holds (a list pushed by the home operator takes precedence \
                over the file) and each operator's OCPP keys as they are now. Passwords, \
                AuthorizationKeys and URL credentials are masked.
                """)

        @Option(name: .shortAndLong, help: "The configuration file.")
        var config: String = "/etc/chargeplex/chargeplex.toml"

        func run() throws {
            let configuration = try configurationOrExit(config, status: 1)
            print(ConfigurationListing.text(of: configuration, file: config, version: ChargeplexVersion.string))
            let socket = configuration.stateDirectory + "/" + AgentConfiguration.controlSocketName
            do {
                print(try ControlClient.send("config", socketPath: socket), terminator: "")
            } catch where error.kind == .noAgent {
                print("# No agent is running (\(socket)): the above is what it would start with; values")
                print("# operators set over OCPP, and a pushed operator list, are kept in \(configuration.stateDirectory).")
            } catch {
                printError("chargeplex: the running agent's configuration: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a configuration file without starting the agent.",
            discussion: """
                Prints each problem as FILE:LINE: KEY: REASON and exits non-zero, or prints a summary. \
                Besides the file itself, checks that the agent, run as the same user, can write its \
                state directory (or create it), and can read every file the configuration names \
                (pin map, CA files, client certificates and keys) and run the firmware installer. \
                With --service-state-directory, or when STATE_DIRECTORY is set as the systemd service \
                sets it, also that the file names that directory and leaves the firmware installer to \
                chargeplex-firmware.service, as `run` does under the service.
                """)

        @Argument(help: "The file to check.")
        var file: String = "/etc/chargeplex/chargeplex.toml"

        @Option(help: ArgumentHelp(
            "Check the file as the service would run it, with this state directory (its unit's StateDirectory=, /var/lib/chargeplex when packaged).",
            valueName: "directory"))
        var serviceStateDirectory: String?

        func validate() throws {
            if let directory = serviceStateDirectory, !directory.hasPrefix("/") {
                throw ValidationError("--service-state-directory must be an absolute path, e.g. /var/lib/chargeplex")
            }
        }

        func run() throws {
            let configuration = try configurationOrExit(file, status: 1)
            var issues = ReferencedFileCheck.issues(in: configuration, file: file)
            do {
                _ = try AgentConfiguration.loadChecked(
                    path: file, serviceDirectory: serviceStateDirectory ?? StateDirectoryCheck.serviceDirectory())
            } catch {
                issues += error.issues
            }
            guard issues.isEmpty else {
                printError(ConfigurationError(issues: issues).description)
                throw ExitCode(1)
            }
            print("\(file): ok")
            print("  charge point \(configuration.chargePoint.id), \(configuration.board.connectors) connector(s) on a \(configuration.board.kind.rawValue) board")
            print("  state in \(configuration.stateDirectory)")
            for reference in configuration.fileReferences { print("  \(reference.role) \(reference.path): ok") }
            for entry in configuration.operators { print("  operator \(entry)") }
            for setting in configuration.ocppSettings { print("  ocpp \(setting.key) = \(setting.value)") }
        }
    }
}
