import ArgumentParser
import Board
import Configuration

/// Field-technician commands that talk to the hardware directly.
struct BoardCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Check and drive the charger's GPIO lines (the agent must not be running).",
        subcommands: [Check.self, Watch.self, Relay.self])

    struct PinMapOption: ParsableArguments {
        @Option(name: .customLong("pinmap"), help: "The pin map (board/*.toml); by default the one of the configuration file.")
        var pinMap: String?

        @Option(name: .shortAndLong, help: "The configuration file naming the pin map.")
        var config: String = "/etc/chargeplex/chargeplex.toml"

        func load() throws -> PinMap {
            var path = pinMap
            if path == nil {
                do {
                    let board = try AgentConfiguration.load(path: config).board
                    // A simulated board's pin map names no lines this machine has.
                    path = board.kind == .gpio ? board.pinMap : nil
                } catch {
                    printError("chargeplex: \(error)")
                    throw ExitCode(2)
                }
            }
            guard let path else {
                printError("chargeplex: no pin map: the board is simulated; give --pinmap")
                throw ExitCode(2)
            }
            do {
                return try PinMap.load(path: path)
            } catch {
                printError("chargeplex: \(error)")
                throw ExitCode(2)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Open every line of the pin map and report each one's state.")
        @OptionGroup var pins: PinMapOption

        func run() throws {
            let reports = GPIOBoard.checkLines(pinMap: try pins.load())
            for report in reports { print(report.description) }
            if !reports.allSatisfy(\.isOK) { throw ExitCode(1) }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch", abstract: "Print card reads, plug changes and meter pulses as they happen (Ctrl-C ends).")
        @OptionGroup var pins: PinMapOption

        func run() async throws {
            let board = try GPIOBoard(pinMap: try pins.load(), traceEdges: true) { level, text in
                print("\(level.rawValue): \(text)")
            }
            board.openRelaysOnSignals()
            for await event in board.events { print(event.line) }
        }
    }

    struct Relay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "relay",
            abstract: "Switch a connector's relay and report the feedback (refused while the agent runs).")
        @OptionGroup var pins: PinMapOption
        @OptionGroup var state: StateOptions
        @Argument(help: "The connector, from 1.") var connector: Int
        @Argument(help: "on or off.") var setting: String

        func run() async throws {
            guard setting == "on" || setting == "off" else { throw ValidationError("say on or off") }
            do {
                let status = try ControlClient.send("status", socketPath: state.socketPath)
                let busy = status.contains("transaction ")
                printError("chargeplex: refused: the agent is running\(busy ? " a transaction" : "") and holds the lines; stop it first")
                throw ExitCode(1)
            } catch let error as ControlClient.Failure where error.kind != .noAgent {
                // Whether the agent runs cannot be told: the relay is not touched.
                printError("chargeplex: \(error)")
                throw ExitCode(1)
            } catch is ControlClient.Failure {
                // No agent holds the lines.
            }
            let board = try GPIOBoard(pinMap: try pins.load())
            board.openRelaysOnSignals()
            board.perform(.relay(connector: connector, closed: setting == "on"))
            print("relay \(connector) \(setting); Ctrl-C opens it again and ends")
            for await event in board.events { print(event.line) }
        }
    }
}
