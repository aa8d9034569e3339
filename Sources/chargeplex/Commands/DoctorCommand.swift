import ArgumentParser
import Board
import ChargePoint
import Configuration
import Link
import Operators
import Synchronization

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what the agent needs on this machine and every operator's connection.",
        discussion: """
            One line per check: ok, FAIL with the reason, or -- for a check that does not apply. \
            In order: the configuration file; every file it names (pin map, CA files, client \
            certificates and keys, the firmware installer and its CA file); the state directory; \
            the GPIO chips of the pin map; then for every enabled operator, in file order, the \
            host name (DNS), TCP, TLS (the server's certificate against the operator's CA and its \
            host name, the client certificate of security profile 3) and the WebSocket upgrade \
            with the operator's credentials and subprotocol ocpp1.6. The connection is closed \
            right after the upgrade: nothing is sent, and the Central System sees no \
            BootNotification. Run it as the user the agent runs as (root, or chargeplex). \
            Exits 0 when every check passed, 1 otherwise.
            """)

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "/etc/chargeplex/chargeplex.toml"

    @Option(help: "Seconds each operator's connection may take, TCP to upgrade (1 to 120).")
    var timeout = 10

    func validate() throws {
        guard (1...120).contains(timeout) else { throw ValidationError("--timeout is 1 to 120 seconds") }
    }

    func run() async throws {
        let results = DoctorResults()
        defer { results.printSummary() }

        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(path: config)
            results.pass(
                "configuration \(config): charge point \(configuration.chargePoint.id), \(configuration.board.connectors) connector(s) "
                    + "on a \(configuration.board.kind.rawValue) board, \(configuration.operators.count) operator(s)")
        } catch {
            results.fail("configuration \(config) is refused:")
            for issue in error.issues { StandardOutput.write("        \(issue)\n") }
            throw ExitCode(1)
        }

        checkFiles(configuration, results)
        checkStateDirectory(configuration, results)
        checkChips(configuration, results)
        await checkOperators(configuration, results)
        if results.failed > 0 { throw ExitCode(1) }
    }

    private func checkFiles(_ configuration: AgentConfiguration, _ results: DoctorResults) {
        for reference in configuration.fileReferences {
            if let problem = ReferencedFileCheck.problem(with: reference, board: configuration.board) {
                results.fail("\(problem) (\(place(reference.line, reference.keyPath)))")
            } else {
                results.pass("\(reference.role) \(reference.path): \(Self.verdict(of: reference.use))")
            }
        }
    }

    private static func verdict(of use: AgentConfiguration.FileReference.Use) -> String {
        switch use {
        case .read: "readable"
        case .execute: "can be run"
        case .executeByRoot: "executable, run as root by chargeplex-firmware.service"
        }
    }

    private func checkStateDirectory(_ configuration: AgentConfiguration, _ results: DoctorResults) {
        do {
            _ = try AgentConfiguration.loadChecked(path: config)
            results.pass("state directory \(configuration.stateDirectory): the agent can keep its state there")
        } catch {
            for issue in error.issues { results.fail("state directory: \(issue.reason) (\(place(issue.line, issue.keyPath)))") }
        }
    }

    /// `chargeplex.toml:12: operators[0].ca_file`: where the file says it.
    private func place(_ line: Int?, _ keyPath: String?) -> String {
        config + (line.map { ":\($0)" } ?? "") + (keyPath.map { ": \($0)" } ?? "")
    }

    private func checkChips(_ configuration: AgentConfiguration, _ results: DoctorResults) {
        guard let path = configuration.board.pinMap, configuration.board.kind == .gpio else {
            results.notApplicable("GPIO: the board is simulated; no chips to check")
            return
        }
        guard let pinMap = try? PinMap.load(path: path) else {
            results.notApplicable("GPIO: the pin map cannot be read (above); its chips are not checked")
            return
        }
        for chip in GPIOBoard.checkChips(pinMap: pinMap) {
            if chip.isOK { results.pass(chip.description) } else { results.fail(chip.description) }
        }
    }

    private func checkOperators(_ configuration: AgentConfiguration, _ results: DoctorResults) async {
        let socket = configuration.stateDirectory + "/" + AgentConfiguration.controlSocketName
        if let list = try? ControlClient.send("operators", socketPath: socket), list.contains("list from pushed") {
            results.notApplicable(
                "operators: the running agent uses a list pushed by an operator (`chargeplex operators`); "
                    + "these checks use the configuration file's")
        }
        if configuration.operators.isEmpty { results.notApplicable("operators: none configured") }
        for entry in configuration.operators {
            guard entry.enabled else {
                results.notApplicable("operator \(entry.name): disabled, not checked")
                continue
            }
            var link = LinkConfiguration(operator: entry, certificates: CertificateStores(stateDirectory: configuration.stateDirectory))
            link.openingTimeout = .seconds(timeout)
            link.pingInterval = .zero
            let name = entry.name
            _ = await ConnectionCheck.run(link) { finding in
                let line = "operator \(name): \(finding)"
                switch finding.verdict {
                case .passed: results.pass(line)
                case .failed: results.fail(line)
                case .notApplicable: results.notApplicable(line)
                }
            }
        }
    }
}

/// The doctor's lines as they come, and the count of each verdict.
final class DoctorResults: Sendable {
    private let counts = Mutex((passed: 0, failed: 0))

    var failed: Int { counts.withLock { $0.failed } }

    func pass(_ text: String) {
        counts.withLock { $0.passed += 1 }
        StandardOutput.write("ok    \(text)\n")
    }

    func fail(_ text: String) {
        counts.withLock { $0.failed += 1 }
        StandardOutput.write("FAIL  \(text)\n")
    }

    func notApplicable(_ text: String) {
        StandardOutput.write("--    \(text)\n")
    }

    func printSummary() {
        let (passed, failed) = counts.withLock { $0 }
        StandardOutput.write(failed == 0 ? "all \(passed) checks passed\n" : "\(failed) of \(passed + failed) checks failed\n")
    }
}
