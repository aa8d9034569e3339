import Board
import ChargePoint
import Configuration
import OCPP16
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// Card swipe to relay closed: in process with a local-list hit (LocalPreAuthorize), and with
/// the authority's Authorize round trip over loopback through the real operators layer.
///
/// The relay command is given synchronously inside `ChargePoint.handle`, so the time of that
/// one call is the swipe-to-relay time; the SimBoard confirms the relay closed afterwards.
enum ChargePointBenchmarks {
    static let card = "BENCH-CARD"
    static let warmUp = 20

    static func run() async throws {
        try await Quiet.logs {
            try await localListSwipes(count: 2000, store: false)
            try await localListSwipes(count: 500, store: true)
            try await authoritySwipes(count: 200)
        }
    }

    // MARK: - Figures

    /// A local-list hit never asks the authority. Without a store this is the charge point's own
    /// work; with one, the transaction counter and journal are written (and fsynced) before the
    /// relay closes, as on the charger.
    static func localListSwipes(count: Int, store withStore: Bool) async throws {
        let scratch = withStore ? try Scratch() : nil
        defer { scratch?.remove() }
        let database = try scratch.map { try Database(path: $0.path + "/bench.db") }
        defer { database?.close() }
        let store = try database.map { try KeyValueStore(database: $0) }

        let board = SimBoard(connectorCount: 1)
        // The agent feeds relay feedback back in from its own event loop, after the swipe's
        // handle call returns; driven directly here, the stream only needs emptying.
        let drain = Task { for await _ in board.events {} }
        defer {
            board.finish()
            drain.cancel()
        }
        let ledger = try store.map { TransactionLedger(queue: try MessageQueue(database: $0.database)) }
        let chargePoint = ChargePoint(
            identity: .init(vendor: "Chargeplex", model: "Bench"), board: board, persistence: store, ledger: ledger,
            configuration: try ConfigurationStore(
                persistence: store, connectorCount: 1, initial: [(key: "LocalPreAuthorize", value: "true")]))
        await chargePoint.attach(uplink: HomeUplink(), requests: { _ in })
        var stamps = Stamps()
        await chargePoint.recover(energy: [:], now: stamps.next())
        let list = SendLocalListRequest(
            listVersion: 1,
            localAuthorizationList: [AuthorizationData(idTag: IdToken(truncating: card), idTagInfo: IdTagInfo(status: .accepted))],
            updateType: .full)
        let answer = await chargePoint.respond(to: list, from: RequestOrigin(operatorName: "home"), now: stamps.next())
        guard answer.status == .accepted else { throw BenchFailure("SendLocalList refused") }

        var latencies = Latencies()
        for iteration in 0..<(warmUp + count) {
            await chargePoint.handle(.plug(connector: 1, connected: true), now: stamps.next())
            let start = Measure.now()
            await chargePoint.handle(.cardRead(connector: 1, idTag: card), now: stamps.next())
            let elapsed = Measure.now() - start
            guard board.connector(1)?.relayClosed == true else { throw BenchFailure("relay open after swipe \(iteration)") }
            if iteration >= warmUp { latencies.add(elapsed) }
            await chargePoint.stopTransaction(on: 1, reason: .local, idTag: nil, now: stamps.next())
            await chargePoint.handle(.plug(connector: 1, connected: false), now: stamps.next())
        }
        let label = withStore ? "local list, SQLite store    " : "local list, no store        "
        print("  swipe → relay closed, \(label) \(latencies.summary)   (\(count) swipes)")
    }

    /// LocalPreAuthorize off: every swipe asks the home Central System (Python, loopback) and
    /// the StartTransaction is stored in its durable queue before the relay closes.
    static func authoritySwipes(count: Int) async throws {
        try await OperatorRig.with(roles: [.home], connectors: 1) { rig in
            var stamps = Stamps()
            var latencies = Latencies()
            for iteration in 0..<(warmUp + count) {
                let plugged = stamps.next()
                await rig.chargePoint.handle(.plug(connector: 1, connected: true), now: plugged)
                // The Preparing notification answered, so that the Authorize has the link to itself,
                // as when a driver swipes some seconds after plugging in.
                _ = try await rig.waitForStatus(at: plugged)
                try await Task.sleep(for: .milliseconds(5))

                let start = Measure.now()
                await rig.chargePoint.handle(.cardRead(connector: 1, idTag: card), now: stamps.next())
                let elapsed = Measure.now() - start
                guard rig.board.connector(1)?.relayClosed == true else { throw BenchFailure("relay open after swipe \(iteration)") }
                if iteration >= warmUp { latencies.add(elapsed) }

                await rig.chargePoint.stopTransaction(on: 1, reason: .local, idTag: nil, now: stamps.next())
                let unplugged = stamps.next()
                await rig.chargePoint.handle(.plug(connector: 1, connected: false), now: unplugged)
                _ = try await rig.waitForStatus(at: unplugged)
                try await rig.waitUntilQueuesEmpty()
            }
            print("  swipe → relay closed, Authorize over ws:// loopback \(latencies.summary)   (\(count) swipes)")
        }
    }
}

/// The uplink of the in-process figure: "home" is the authority and online, and anything
/// emitted is dropped, so the figure is the charge point's own.
private final class HomeUplink: ChargePointUplink {
    func emit(_ message: OutgoingMessage) async {}
    func authorize(_ idTag: IdToken) async -> IdTagInfo? { IdTagInfo(status: .accepted) }
    var authorityName: String? { "home" }
    var authorityOnline: Bool { get async { true } }
    var transactionRecipients: [String] { ["home"] }
    func transactionMessagesWritten(for operators: Set<String>) async {}
}

// MARK: - Helpers shared by the charge point and operators suites

/// Durations in seconds, summarised as median and 99th percentile in microseconds.
struct Latencies {
    private(set) var samples: [Double] = []

    mutating func add(_ seconds: Double) { samples.append(seconds) }

    var summary: String {
        guard !samples.isEmpty else { return "no samples" }
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2] * 1e6
        let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)] * 1e6
        return "median \(Measure.format(median)) µs   p99 \(Measure.format(p99)) µs"
    }
}

/// Wall-clock time stamps for `handle(_:now:)`, each at least a millisecond after the last: a
/// StatusNotification is recognised on the Central System's side by its timestamp.
struct Stamps {
    private var last: Int64 = 0

    mutating func next() -> OCPPDateTime {
        last = max(last + 1, Self.wallClock().millisecondsSince1970)
        return OCPPDateTime(millisecondsSince1970: last)
    }

    static func wallClock() -> OCPPDateTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return OCPPDateTime(millisecondsSince1970: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary directory for SQLite files and certificates.
struct Scratch {
    let path: String

    init() throws {
        var template = Array("/tmp/chargeplex-bench-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw BenchFailure("mkdtemp failed") }
        path = String(cString: created)
    }

    func remove() { _ = Measure.shell("rm -rf '\(path)'") }
}

enum Poll {
    /// Checks every 200 µs until `check` gives a value. The figures never depend on this
    /// cadence: they come from time stamps taken where things happen.
    static func until<T>(_ what: String, within seconds: Double = 10, _ check: () async -> T?) async throws -> T {
        let deadline = Measure.now() + seconds
        while true {
            if let value = await check() { return value }
            guard Measure.now() < deadline else { throw BenchFailure("timed out waiting for \(what)") }
            try await Task.sleep(for: .microseconds(200))
        }
    }

    static func until(_ what: String, within seconds: Double = 10, _ check: () async -> Bool) async throws {
        let _: Bool = try await until(what, within: seconds) { await check() ? true : nil }
    }
}

/// The agent logs every transaction at info level on stderr. The lines are still formatted and
/// written, so their cost stays in the figures, but to /dev/null, so the figures stay readable.
enum Quiet {
    static func logs<T>(_ body: () async throws -> T) async rethrows -> T {
        let saved = dup(2)
        let null = open("/dev/null", O_WRONLY)
        dup2(null, 2)
        close(null)
        defer {
            dup2(saved, 2)
            close(saved)
        }
        return try await body()
    }
}
