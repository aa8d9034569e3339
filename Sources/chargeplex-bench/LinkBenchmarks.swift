import Link
import OCPP16

#if canImport(Glibc)
    import Glibc
#endif

/// One Link against the Python Central System of `Tests/peers/central_system.py` on
/// loopback: CALL→CALLRESULT round trips over ws:// and wss://, queue replay, and the
/// resident memory of eight TLS links held open.
///
/// The Central System is Python (the `ocpp` library with schema validation), so round trips
/// and replay rates measure the pair, and the Python side is usually the slower one.
enum LinkBenchmarks {
    static func run() async throws {
        let pki = try Certificates.make()
        defer { _ = Measure.shell("rm -rf '\(pki.directory)'") }
        let tlsOptions = ["--tls-cert", pki.directory + "/server.pem", "--tls-key", pki.directory + "/server.key"]

        try await residentMemory(tlsOptions: tlsOptions, caFile: pki.directory + "/ca.pem")
        try await roundTrips(label: "ws:// ", options: [], caFile: nil)
        try await roundTrips(label: "wss://", options: tlsOptions, caFile: pki.directory + "/ca.pem")
        try await replay(count: 10_000)
    }

    // MARK: - Figures

    static func roundTrips(label: String, options: [String], caFile: String?) async throws {
        let peer = try await CentralSystem.start(options)
        defer { peer.process.stop() }
        let link = try Link(configuration: configuration(peer, chargePointId: "BENCH-RTT", caFile: caFile))
        let runner = Task { await link.run() }
        try await waitUntilOpen(link)
        for _ in 0..<200 { _ = try await link.call(HeartbeatRequest()) }
        var samples: [Double] = []
        samples.reserveCapacity(2000)
        for _ in 0..<2000 {
            let start = Measure.now()
            _ = try await link.call(HeartbeatRequest())
            samples.append(Measure.now() - start)
        }
        await link.shutdown()
        await runner.value
        samples.sort()
        let median = samples[samples.count / 2] * 1e6
        let p99 = samples[samples.count * 99 / 100] * 1e6
        print("  Heartbeat round trip \(label)  median \(Measure.format(median)) µs   p99 \(Measure.format(p99)) µs   (2000 calls)")
    }

    static func replay(count: Int) async throws {
        let peer = try await CentralSystem.start([])
        defer { peer.process.stop() }
        let outbox = MemoryOutbox(count: count)
        let done = Countdown(count)
        let link = try Link(
            configuration: configuration(peer, chargePointId: "BENCH-REPLAY", caFile: nil), outbox: outbox,
            onOutboxOutcome: { _, _ in await done.tick() })
        let start = Measure.now()
        let runner = Task { await link.run() }
        await done.wait()
        let elapsed = Measure.now() - start
        await link.shutdown()
        await runner.value
        print("  queue replay ws://     \(count) DataTransfer in \(Measure.format(elapsed, decimals: 2)) s = \(Measure.format(Double(count) / elapsed)) msgs/s (one CALL outstanding at a time)")
    }

    static func residentMemory(tlsOptions: [String], caFile: String) async throws {
        let peer = try await CentralSystem.start(tlsOptions)
        defer { peer.process.stop() }
        let before = Measure.resident()
        var links: [Link] = []
        var runners: [Task<Void, Never>] = []
        for index in 0..<8 {
            let link = try Link(configuration: configuration(peer, chargePointId: "BENCH-TLS-\(index)", caFile: caFile))
            links.append(link)
            runners.append(Task { await link.run() })
        }
        for link in links {
            try await waitUntilOpen(link)
            _ = try await link.call(HeartbeatRequest())
        }
        let after = Measure.resident()
        print("  VmRSS with 8 TLS links open: \(after) (before opening them: \(before))")
        for link in links { await link.shutdown() }
        for runner in runners { await runner.value }
    }

    // MARK: - Helpers

    static func configuration(_ peer: CentralSystem, chargePointId: String, caFile: String?) -> LinkConfiguration {
        LinkConfiguration(
            url: "\(caFile == nil ? "ws" : "wss")://localhost:\(peer.port)/ocpp", chargePointId: chargePointId,
            allowsInsecureTransport: caFile == nil, trustedCertificatesFile: caFile, pingInterval: .zero,
            reconnectBackoff: ReconnectBackoff(base: .milliseconds(100), cap: .seconds(1)))
    }

    struct NotOpened: Error {}

    static func waitUntilOpen(_ link: Link) async throws {
        for await state in await link.states() {
            if state == .open { return }
        }
        throw NotOpened()
    }

    struct CentralSystem {
        let process: BenchPeer
        let port: Int

        struct NotListening: Error {}

        static func start(_ options: [String]) async throws -> CentralSystem {
            let process = try BenchPeer(["python3", "-u", script, "--port", "0"] + options)
            // {"event":"listening","port":N,...}
            guard let line = await process.line(startingWith: #"{"event":"listening""#),
                let portText = line.split(separator: ",").first(where: { $0.hasPrefix(#""port":"#) })?.dropFirst(7),
                let port = Int(portText)
            else {
                process.stop()
                throw NotListening()
            }
            return CentralSystem(process: process, port: port)
        }

        static var script: String {
            var path = #filePath
            for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
            return path + "/Tests/peers/central_system.py"
        }
    }

    struct Certificates {
        let directory: String

        struct Failed: Error {}

        static func make() throws -> Certificates {
            var template = Array("/tmp/chargeplex-bench-XXXXXX".utf8CString)
            guard let created = mkdtemp(&template) else { throw Failed() }
            let directory = String(cString: created)
            let commands = [
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -subj /CN=BenchCA -days 2",
                "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
                "printf 'subjectAltName=DNS:localhost\\n' > server.ext",
                "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext",
            ]
            for command in commands {
                _ = Measure.shell("cd '\(directory)' && \(command) >/dev/null 2>&1")
            }
            guard access(directory + "/server.pem", R_OK) == 0 else { throw Failed() }
            return Certificates(directory: directory)
        }
    }
}

/// The outbox of the replay figure, in memory so the figure is the link's and the peer's.
private actor MemoryOutbox: DurableOutbox {
    private var messages: [OutboxMessage]

    init(count: Int) {
        messages = (0..<count).map { index in
            OutboxMessage(
                id: Int64(index), action: "DataTransfer",
                payload: JSONObject([("vendorId", "org.chargeplex.bench"), ("data", .string("\(index)"))]))
        }
        messages.reverse()  // the head at the end: removing it is O(1)
    }

    func peek() async throws -> OutboxMessage? { messages.last }

    func remove(_ message: OutboxMessage) async throws {
        if messages.last?.id == message.id { messages.removeLast() }
    }

    func recordAttempt(_ message: OutboxMessage) async throws -> Int { message.attempts + 1 }
}

/// Resumes its waiter after `count` ticks.
private actor Countdown {
    private var remaining: Int
    private var waiter: CheckedContinuation<Void, Never>?

    init(_ count: Int) { remaining = count }

    func tick() {
        remaining -= 1
        if remaining == 0 { waiter?.resume() }
    }

    func wait() async {
        guard remaining > 0 else { return }
        await withCheckedContinuation { waiter = $0 }
    }
}
