import Foundation

/// `openssl s_server` presenting one certificate: a TLS server that is not ours, for the
/// refusal tests.
///
/// It runs under a small shell that reports its pid and kills it once the test process is
/// gone: `s_server` would outlive a crashed test, and it may inherit a blocked SIGTERM from
/// the test process, hence SIGKILL.
struct TLSServerPeer: Sendable {
    let process: PeerProcess
    let port: Int
    private let serverPid: Int32

    // SIGPIPE is ignored so that a test dying mid-start cannot take the shell with it
    // before the watch loop runs.
    private static let wrapper = """
        trap '' PIPE
        openssl s_server "$@" & server=$!
        echo "SERVERPID $server"
        while kill -0 "$PPID" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
        kill -9 "$server" 2>/dev/null
        """

    /// - Parameter options: more `s_server` options, e.g. a second certificate chosen by SNI.
    static func start(certificate: String, key: String, options: [String] = []) async throws -> TLSServerPeer {
        let process = try PeerProcess(
            name: "openssl s_server", executable: "/bin/sh",
            arguments: ["-c", wrapper, "s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key", key, "-www"]
                + options)
        let (_, pidLine) = try await process.expect("server pid") { $0.text.hasPrefix("SERVERPID ") }
        let (_, line) = try await process.expect("ACCEPT line") { $0.text.hasPrefix("ACCEPT") }
        guard let serverPid = Int32(pidLine.text.dropFirst("SERVERPID ".count)),
            let port = line.text.split(separator: ":").last.flatMap({ Int($0) })
        else { throw PeerEnded() }
        return TLSServerPeer(process: process, port: port, serverPid: serverPid)
    }

    func kill() {
        Foundation.kill(serverPid, SIGKILL)
        process.kill()
    }
}
