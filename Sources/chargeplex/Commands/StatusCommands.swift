import ArgumentParser

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the connectors, their transactions and every operator's link.")

    @OptionGroup var state: StateOptions

    func run() throws {
        print(try ask("status", state), terminator: "")
    }
}

struct OperatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operators",
        abstract: "Show the operator list in force, where it came from, and who is the authority and why.")

    @OptionGroup var state: StateOptions

    func run() throws {
        print(try ask("operators", state), terminator: "")
    }
}

struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Drive the simulated board of a running agent.",
        discussion: """
            Examples:
              chargeplex sim plug 1
              chargeplex sim swipe 1 04A2B3C4
              chargeplex sim drawing 1 off
              chargeplex sim unplug 1
            """)

    @OptionGroup var state: StateOptions

    @Argument(help: "plug, unplug, swipe, drawing or weld.")
    var action: String

    @Argument(help: "The connector, from 1.")
    var connector: Int

    @Argument(help: "The idTag for swipe; on or off for drawing.")
    var argument: String?

    func run() throws {
        let command = (["sim", action, String(connector)] + (argument.map { [$0] } ?? [])).joined(separator: " ")
        print(try ask(command, state), terminator: "")
    }
}

func ask(_ command: String, _ state: StateOptions) throws -> String {
    do {
        return try ControlClient.send(command, socketPath: state.socketPath)
    } catch {
        printError("chargeplex: \(error)")
        throw ExitCode(1)
    }
}
