import Foundation
import OCPP16

/// `Tests/peers/central_system.py`, the scriptable Central System, running for one test.
struct CentralSystemPeer: Sendable {
    let process: PeerProcess
    let port: Int
    let isTLS: Bool

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("peers/central_system.py").path

    /// Starts the Central System and waits until it listens.
    static func start(_ options: [String] = [], port: Int = 0) async throws -> CentralSystemPeer {
        let python = ProcessInfo.processInfo.environment["CHARGEPLEX_PYTHON"] ?? "python3"
        let process = try PeerProcess(
            name: "central system", executable: "/usr/bin/env",
            arguments: [python, "-u", script, "--port", "\(port)"] + options)
        let (_, line) = try await process.expect(event: "listening")
        guard case .integer(let listening)? = line["port"] else { throw PeerEnded() }
        return CentralSystemPeer(process: process, port: Int(listening), isTLS: line["tls"] == .bool(true))
    }

    /// The operator URL a link is configured with; the charge point id is appended by the link.
    func url(host: String = "127.0.0.1") -> String {
        "\(isTLS ? "wss" : "ws")://\(host):\(port)/ocpp"
    }

    var mark: Int {
        get async { await process.log.count }
    }

    func send(_ command: JSONValue) { process.send(command) }

    /// Sends a command that answers with `done` and waits for that answer.
    func perform(_ command: JSONValue) async throws {
        let mark = await self.mark
        process.send(command)
        try await process.expect(from: mark, "command \(JSONWriter.string(command).prefix(60))") {
            $0.event == "done" || $0.event == "error"
        }
    }

    @discardableResult
    func expect(
        _ event: String, from: Int = 0, timeout: Duration = .seconds(30),
        where matches: @escaping @Sendable (PeerLine) -> Bool = { _ in true }
    ) async throws -> (index: Int, entry: PeerLine) {
        try await process.expect(event: event, from: from, timeout: timeout, where: matches)
    }

    /// The CALLs of `action` the Central System received from `from` on.
    func calls(_ action: String, from: Int = 0) async -> [PeerLine] {
        await process.log.entries.dropFirst(from).filter { $0.event == "call" && $0["action"]?.stringValue == action }
    }

    /// The `data` of every DataTransfer CALL received from `from` on, up to and including the
    /// first one carrying `last`, which is waited for: the line can trail the answer the
    /// link already got.
    func dataTransfers(from: Int = 0, through last: String) async throws -> [String] {
        let (end, _) = try await expect("call", from: from) {
            $0["action"]?.stringValue == "DataTransfer" && $0["payload"]?["data"]?.stringValue == last
        }
        return await process.log.entries[from...end]
            .filter { $0.event == "call" && $0["action"]?.stringValue == "DataTransfer" }
            .compactMap { $0["payload"]?["data"]?.stringValue }
    }

    func kill() { process.kill() }
}
