import ArgumentParser
import OCPP16

@main
struct Chargeplex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chargeplex",
        abstract: "An OCPP 1.6J charge point agent that serves several Central Systems at once.",
        discussion: """
            Chargeplex runs on the charge point itself. It connects to every \
            configured operator, fans out charger events to all of them, and lets \
            only the billing authority authorize, start or stop transactions.
            """,
        version: ChargeplexVersion.string,
        subcommands: [
            RunCommand.self, StatusCommand.self, OperatorsCommand.self, SimCommand.self, ConfigCommand.self, BoardCommandGroup.self, MeterCommandGroup.self,
            DoctorCommand.self, LogCommand.self, SecurityLogCommand.self, FirmwareInstallCommand.self,
        ])
}

enum ChargeplexVersion {
    static let string = "0.1.0"
}

/// Where the agent keeps its state and its control socket.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: "The agent's state directory (holds control.sock).")
    var stateDirectory: String = "/var/lib/chargeplex"

    var socketPath: String { stateDirectory + "/control.sock" }
}
