import ArgumentParser
import Board
import Configuration

#if canImport(Glibc)
    import Glibc
#endif

/// Field-technician commands that read the Modbus meters of the pin map.
struct MeterCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meter",
        abstract: "Read the charger's Modbus energy meters ([meter.N] of the pin map).",
        discussion: """
            An RS-485 bus has one master: a modbus-rtu meter is not read while the agent runs. \
            A modbus-tcp meter can be read beside the running agent.
            """,
        subcommands: [Check.self, Watch.self])

    struct MeterOptions: ParsableArguments {
        @Option(name: .customLong("pinmap"), help: "The pin map with [meter.N]; by default the one of the configuration file.")
        var pinMap: String?

        @Option(name: .shortAndLong, help: "The configuration file naming the pin map.")
        var config: String = "/etc/chargeplex/chargeplex.toml"

        @Option(help: "Only the meter of this connector.")
        var connector: Int?

        @Option(name: .customLong("state"), help: "The agent's state directory (holds control.sock); by default the configuration's.")
        var stateDirectory: String?

        /// The meters to read, or exit 2 with the reason.
        func meters() throws -> [MeterSettings] {
            let pinMap: PinMap
            var socketPath = (stateDirectory ?? "/var/lib/chargeplex") + "/" + AgentConfiguration.controlSocketName
            do {
                if let path = self.pinMap {
                    pinMap = try Self.load(path, simulatedConnectors: nil)
                } else {
                    let configuration = try AgentConfiguration.load(path: config)
                    let board = configuration.board
                    if stateDirectory == nil {
                        socketPath = configuration.stateDirectory + "/" + AgentConfiguration.controlSocketName
                    }
                    guard let path = board.pinMap else {
                        printError("chargeplex: \(config) names no pin map, so no meter; give --pinmap")
                        throw ExitCode(2)
                    }
                    pinMap = try Self.load(path, simulatedConnectors: board.kind == .sim ? board.connectors : nil)
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                printError("chargeplex: \(error)")
                throw ExitCode(2)
            }
            let meters = pinMap.meters.filter { connector == nil || $0.connector == connector }
            guard !meters.isEmpty else {
                printError("chargeplex: \(pinMap.file) has no [meter.\(connector.map(String.init) ?? "N")] section")
                throw ExitCode(2)
            }
            try refuseSecondMaster(meters, socketPath: socketPath)
            return meters
        }

        /// An RS-485 bus has one master: two would garble each other's
        /// requests (CRC errors, time-outs) in the running agent as well.
        private func refuseSecondMaster(_ meters: [MeterSettings], socketPath: String) throws {
            let serial = meters.filter { if case .rtu = $0.transport { true } else { false } }
            guard !serial.isEmpty else { return }
            do throws(ControlClient.Failure) {
                _ = try ControlClient.send("status", socketPath: socketPath)
            } catch where error.kind == .noAgent {
                return
            } catch {
                printError("chargeplex: \(error)")
                throw ExitCode(1)
            }
            let connectors = serial.map { String($0.connector) }.joined(separator: ", ")
            printError("chargeplex: refused: the agent is running and polls the RS-485 meter of connector \(connectors); stop it first")
            throw ExitCode(1)
        }

        /// A pin map of a GPIO board, or one with only meters (as a
        /// simulated board names): without [board] it is read as such.
        private static func load(_ path: String, simulatedConnectors: Int?) throws(PinMapError) -> PinMap {
            do throws(PinMapError) {
                return try PinMap.load(path: path, simulatedConnectors: simulatedConnectors)
            } catch where simulatedConnectors == nil && error.key == "board" && error.line == nil {
                return try PinMap.load(path: path, simulatedConnectors: 8)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Read every register of each meter once: identity, serial, values, public key, counters.")
        @OptionGroup var options: MeterOptions

        func run() throws {
            var failed: [Int] = []
            for settings in try options.meters() {
                let check = MeterCheck.run(settings)
                for line in check.lines { print(line) }
                if check.failure != nil { failed.append(settings.connector) }
            }
            if !failed.isEmpty {
                printError("chargeplex: the meter of connector \(failed.map(String.init).joined(separator: ", ")) does not answer: check wiring, unit id, baud rate and parity")
                throw ExitCode(1)
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch",
            abstract: "Poll the meters at their cadence and print one line per cycle (Ctrl-C ends).")
        @OptionGroup var options: MeterOptions

        func run() async throws {
            let meters = try options.meters()
            let (events, continuation) = AsyncStream.makeStream(of: BoardEvent.self, bufferingPolicy: .bufferingNewest(64))
            let poller = try MeterPoller(
                settings: meters, continuation: continuation,
                log: { level, text in if level >= .warning { printError("\(level.rawValue): \(text)") } },
                cycleReport: { report in
                    let what = report.reading.map { BoardEvent.meterReading(connector: report.connector, reading: $0).line }
                        ?? "meter connector=\(report.connector) failed: \(report.failure ?? "?")"
                    print("\(what) | \(report.counters.line) cycle=\(report.counters.lastCycleMicroseconds / 1000)ms")
                    // One line per cycle, also into a pipe (`| tee`), not at exit.
                    fflush(nil)
                })
            defer { poller.stop() }
            for await event in events {
                if case .fault = event {
                    print(event.line)
                    fflush(nil)
                }
            }
        }
    }
}
