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
            A connector the board does not have is refused, as is a board that is not simulated. \
            Examples:
              chargeplex sim plug 1
              chargeplex sim swipe 1 04A2B3C4
              chargeplex sim drawing 1 off
              chargeplex sim unplug 1
              chargeplex sim tamper on      (the enclosure's tamper switch; no connector)
              chargeplex sim limit on       (the grid operator's control contact: the [limit] power, \
            4200 W unless the pin map says otherwise; off ends it)
            """)

    enum Action: String, CaseIterable, ExpressibleByArgument {
        case plug, unplug, swipe, drawing, weld, tamper, limit
    }

    @OptionGroup var state: StateOptions

    @Argument(help: "What happens on the connector.")
    var action: Action

    @Argument(help: "The connector, from 1; for tamper, on (the default) or off; for limit, on or off.")
    var connector: String?

    @Argument(help: "The idTag for swipe; on or off for drawing.")
    var argument: String?

    func validate() throws {
        if action == .tamper {
            guard argument == nil, connector == nil || connector == "on" || connector == "off" else {
                throw ValidationError("tamper takes no connector: sim tamper [on|off]")
            }
            return
        }
        if action == .limit {
            guard argument == nil, connector == "on" || connector == "off" else {
                throw ValidationError("limit takes on or off: sim limit on|off")
            }
            return
        }
        guard let connector, Int(connector) != nil else { throw ValidationError("\(action.rawValue) needs the connector number") }
        if action == .swipe && argument == nil { throw ValidationError("swipe needs the idTag of the card") }
        if action == .drawing, let argument, argument != "on" && argument != "off" {
            throw ValidationError("drawing is on or off")
        }
        if let argument, argument.contains(" ") || argument.contains("\n") {
            throw ValidationError("the argument must be one word")
        }
    }

    func run() throws {
        let command = (["sim", action.rawValue] + (connector.map { [$0] } ?? []) + (argument.map { [$0] } ?? []))
            .joined(separator: " ")
        print(try ask(command, state), terminator: "")
    }
}

/// Sends `command` to the agent and returns its answer; a refusal, a missing agent or a
/// socket this user may not open is printed and ends the command with status 1.
func ask(_ command: String, _ state: StateOptions) throws -> String {
    do {
        return try ControlClient.send(command, socketPath: state.socketPath)
    } catch {
        printError("chargeplex: \(error)")
        throw ExitCode(1)
    }
}
