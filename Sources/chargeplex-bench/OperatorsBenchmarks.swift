import Board
import ChargePoint
import Configuration
import OCPP16
import Operators
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The operators layer with Python Central Systems on loopback, one process per operator:
/// one charger event fanned out to eight operators, and the resident memory and idle CPU of
/// a process holding eight wss:// operators while two connectors charge.
enum OperatorsBenchmarks {
    /// One home operator (the authority) and seven data-control operators.
    static let eightOperators: [OperatorRole] = [.home] + Array(repeating: .dataControl, count: 7)

    // MARK: - fanout

    /// During a transaction the car alternately stops and resumes drawing, so every event is
    /// one StatusNotification (SuspendedEV, Charging) to every operator. Measured: from the
    /// start of `handle` to the moment the last of the eight Central Systems' `call` lines for
    /// it was read from its stdout.
    static func fanout() async throws {
        let count = 200
        let warmUp = 20
        try await Quiet.logs {
            try await OperatorRig.with(roles: eightOperators, connectors: 1) { rig in
                var stamps = Stamps()
                await rig.chargePoint.handle(.plug(connector: 1, connected: true), now: stamps.next())
                let started = stamps.next()
                await rig.chargePoint.handle(.cardRead(connector: 1, idTag: ChargePointBenchmarks.card), now: started)
                _ = try await rig.waitForStatus(at: started)
                try await rig.waitUntilQueuesEmpty()

                var latencies = Latencies()
                for index in 0..<(warmUp + count) {
                    let stamp = stamps.next()
                    let start = Measure.now()
                    await rig.chargePoint.handle(.evDrawing(connector: 1, drawing: index % 2 == 1), now: stamp)
                    let last = try await rig.waitForStatus(at: stamp)
                    if index >= warmUp { latencies.add(last - start) }
                    // Each link carries one CALL at a time: let the eight CALLRESULTs come back,
                    // so that every event starts on quiet links.
                    try await Task.sleep(for: .milliseconds(5))
                }
                print("  StatusNotification to 8 operators, handle → last CS printed it  \(latencies.summary)   (\(count) events, ws:// loopback)")
            }
        }
    }

    // MARK: - memory

    static let freshProcessFlag = "--fresh-process"

    /// Resident memory and CPU belong to a process doing only this: the suite runs itself again
    /// in a new process, so the heap left behind by earlier suites does not count.
    static func memory() async throws {
        if CommandLine.arguments.contains(freshProcessFlag) {
            try await Quiet.logs { try await measureHeldOperators() }
            return
        }
        print("  (in a fresh process of its own; takes about a minute)")
        let lines = Measure.shell("'\(executablePath())' memory \(freshProcessFlag)")
        for line in lines where !line.hasPrefix("== ") { print(line) }
        guard lines.contains(where: { $0.contains("VmRSS") }) else { throw BenchFailure("the memory process printed no figures") }
    }

    static func measureHeldOperators() async throws {
        let atStart = Measure.resident()
        let pki = try LinkBenchmarks.Certificates.make()
        defer { _ = Measure.shell("rm -rf '\(pki.directory)'") }
        let tls = OperatorRig.TLS(
            certificate: pki.directory + "/server.pem", key: pki.directory + "/server.key", ca: pki.directory + "/ca.pem")

        try await OperatorRig.with(roles: eightOperators, connectors: 2, tls: tls, likeTheAgent: true) { rig in
            // Through the board, as a driver would: the agent's event loop does the rest.
            for connector in 1...2 {
                rig.board.plug(connector)
                rig.board.swipe("\(ChargePointBenchmarks.card)-\(connector)", at: connector)
            }
            try await Poll.until("both connectors charging", within: 20) {
                await rig.chargePoint.snapshot().allSatisfy { $0.status == .charging }
            }
            try await rig.waitUntilQueuesEmpty()
            try await Task.sleep(for: .seconds(2))
            print("  VmRSS with 8 wss:// operators connected and 2 transactions charging: \(Measure.resident())   (at process start: \(atStart))")

            let charging = try await cpuShare(seconds: 30)
            print("  CPU over 30 s, 2 transactions charging, links idle: \(Measure.format(charging, decimals: 3)) % of one core   (1 s tick, energy readings every second)")

            for connector in 1...2 {
                rig.board.swipe("\(ChargePointBenchmarks.card)-\(connector)", at: connector)
                rig.board.unplug(connector)
            }
            try await Poll.until("both connectors available", within: 20) {
                await rig.chargePoint.snapshot().allSatisfy { $0.status == .available }
            }
            try await rig.waitUntilQueuesEmpty()
            let idle = try await cpuShare(seconds: 30)
            print("  CPU over 30 s, nothing charging, links idle:        \(Measure.format(idle, decimals: 3)) % of one core   (heartbeats every 300 s, WebSocket ping every 60 s)")
        }
    }

    /// User plus system time of this process over `seconds` of wall time, in % of one core.
    static func cpuShare(seconds: Int) async throws -> Double {
        let (startCPU, startWall) = (cpuSeconds(), Measure.now())
        try await Task.sleep(for: .seconds(seconds))
        return (cpuSeconds() - startCPU) / (Measure.now() - startWall) * 100
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

// MARK: - The rig

/// A charge point on a SimBoard wired to the real `Operators` actor, its store on a temporary
/// SQLite file, and one Python Central System process per operator.
struct OperatorRig: Sendable {
    struct TLS: Sendable {
        var certificate: String
        var key: String
        var ca: String
    }

    let scratch: Scratch
    let database: Database
    let queue: MessageQueue
    let board: SimBoard
    let chargePoint: ChargePoint
    let operators: Operators
    let systems: [TimedCentralSystem]
    let names: [String]
    let loops: Task<Void, Never>

    /// Runs `body` with a connected rig and takes everything down afterwards, thrown or not.
    ///
    /// - Parameter likeTheAgent: feed the board's events in and tick once a second as the daemon
    ///   does; otherwise the events are dropped and the caller drives `handle` itself.
    /// - Parameter commands: told every command the charge point gives the board, as it is given.
    static func with(
        roles: [OperatorRole], connectors: Int, tls: TLS? = nil, likeTheAgent: Bool = false,
        commands: (@Sendable (BoardCommand) -> Void)? = nil,
        _ body: (OperatorRig) async throws -> Void
    ) async throws {
        var systems: [TimedCentralSystem] = []
        let scratch = try Scratch()
        let rig: OperatorRig
        do {
            let tlsOptions = tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? []
            for index in roles.indices {
                // Distinct transaction ids per operator, as with real Central Systems.
                systems.append(try TimedCentralSystem(tlsOptions + ["--transaction-id-base", "\(index * 100_000 + 1)"]))
            }
            rig = try await start(
                roles: roles, connectors: connectors, tls: tls, systems: systems, scratch: scratch, likeTheAgent: likeTheAgent,
                commands: commands)
        } catch {
            for system in systems { system.stop() }
            scratch.remove()
            throw error
        }
        do {
            try await rig.waitUntilRegistered(connectors: connectors)
            try await body(rig)
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }

    private static func start(
        roles: [OperatorRole], connectors: Int, tls: TLS?, systems: [TimedCentralSystem], scratch: Scratch, likeTheAgent: Bool,
        commands: (@Sendable (BoardCommand) -> Void)?
    ) async throws -> OperatorRig {
        var entries: [OperatorEntry] = []
        for (index, system) in systems.enumerated() {
            let port = try await Poll.until("Central System \(index) listening", within: 30) { system.port }
            let url = tls == nil ? "ws://127.0.0.1:\(port)/ocpp" : "wss://localhost:\(port)/ocpp"
            let name = roles[index] == .dataControl ? "data-control-\(index)" : roles[index].rawValue
            entries.append(
                OperatorEntry(
                    name: name, url: url, chargePointId: "BENCH-CP", role: roles[index], securityProfile: 0,
                    caFile: tls?.ca, allowInsecure: tls == nil))
        }
        let database = try Database(path: scratch.path + "/chargeplex.db")
        let store = try KeyValueStore(database: database)
        let queue = try MessageQueue(database: database)
        let board = SimBoard(connectorCount: connectors)
        let driven: any Board = commands.map { ObservedBoard(board, observer: $0) } ?? board
        let chargePoint = ChargePoint(
            identity: .init(vendor: "Chargeplex", model: "Bench"), board: driven, persistence: store,
            ledger: TransactionLedger(queue: queue),
            configuration: try ConfigurationStore(persistence: store, connectorCount: connectors))
        let operators = Operators(
            chargePoint: chargePoint, queue: queue, store: store,
            settings: Operators.Settings(chargePointId: "BENCH-CP"), clock: Stamps.wallClock)
        // The agent's start-up order: the list first, so what recovery stores reaches every queue.
        await chargePoint.attach(uplink: operators, requests: { _ in })
        await chargePoint.loadState()
        await operators.start(configured: entries)
        await chargePoint.recover(energy: [:], now: Stamps.wallClock())

        let loops = Task {
            guard likeTheAgent else {
                // Driven directly: relay feedback fed in concurrently would interleave with the
                // measured call, which the agent's one event loop never does.
                for await _ in board.events {}
                return
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in board.events {
                        await chargePoint.handle(event, now: Stamps.wallClock())
                        if case .energy(let connector, let wattHours) = event {
                            do {
                                try store.set(namespace: "energy", key: String(connector), value: String(wattHours))
                            } catch {
                                fatalError("the benchmark's store refused a write: \(error)")
                            }
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        board.advance(seconds: 1)
                        let names = await operators.entries.filter(\.enabled).map(\.name)
                        await chargePoint.tick(now: Stamps.wallClock(), audiences: names)
                        await operators.tick()
                    }
                }
            }
        }
        return OperatorRig(
            scratch: scratch, database: database, queue: queue, board: board, chargePoint: chargePoint,
            operators: operators, systems: systems, names: entries.map(\.name), loops: loops)
    }

    /// Every operator accepted the BootNotification and has the status of every connector.
    func waitUntilRegistered(connectors: Int) async throws {
        try await Poll.until("every operator registered", within: 60) {
            await operators.overview().allSatisfy { $0.registration == RegistrationStatus.accepted.rawValue }
        }
        try await Poll.until("every operator told each connector's status", within: 20) {
            systems.allSatisfy { $0.statusLines > connectors }
        }
    }

    /// Waits until every Central System printed the StatusNotification stamped `stamp`;
    /// returns when the last of them was read.
    func waitForStatus(at stamp: OCPPDateTime) async throws -> Double {
        let text = stamp.description
        return try await Poll.until("StatusNotification of \(text) at every Central System") {
            var latest = 0.0
            for system in systems {
                guard let seen = system.seen(text) else { return nil }
                latest = max(latest, seen)
            }
            return latest
        }
    }

    func waitUntilQueuesEmpty() async throws {
        try await Poll.until("every operator's queue delivered") {
            names.allSatisfy { (try? queue.count(operator: $0)) == 0 }
        }
    }

    func stop() async {
        loops.cancel()
        await operators.shutdown()
        board.finish()
        await loops.value
        for system in systems { system.stop() }
        database.close()
        scratch.remove()
    }
}

/// A simulated board that tells an observer of each command before carrying it out.
final class ObservedBoard: Board {
    let sim: SimBoard
    let observer: @Sendable (BoardCommand) -> Void

    init(_ sim: SimBoard, observer: @escaping @Sendable (BoardCommand) -> Void) {
        self.sim = sim
        self.observer = observer
    }

    var connectorCount: Int { sim.connectorCount }
    var events: AsyncStream<BoardEvent> { sim.events }
    func perform(_ command: BoardCommand) {
        observer(command)
        sim.perform(command)
    }
    func makeSafe() { sim.makeSafe() }
    func probe(_ number: UInt64) { sim.probe(number) }
}

// MARK: - A Central System whose lines are time-stamped

/// `Tests/peers/central_system.py` with its stdout read on a thread of its own, each line
/// stamped with the monotonic time it was read: when the last of several Central Systems
/// received a StatusNotification is known to within the pipe's latency.
final class TimedCentralSystem: Sendable {
    private struct State {
        var port: Int?
        /// Time stamp of each StatusNotification received → when its line was read.
        var statuses: [String: Double] = [:]
        var statusLines = 0
    }

    /// The state the peer's reader thread fills in, apart from the peer that owns the thread.
    private final class Notes: Sendable {
        let state = Mutex(State())
    }

    private let notes = Notes()
    private let peer: BenchPeer

    init(_ options: [String]) throws {
        let notes = self.notes
        do {
            peer = try BenchPeer(["python3", "-u", LinkBenchmarks.CentralSystem.script, "--port", "0"] + options) { line, readAt in
                TimedCentralSystem.note(line, readAt: readAt, in: notes)
            }
        } catch {
            throw BenchFailure("cannot start python3")
        }
    }

    var port: Int? { notes.state.withLock { $0.port } }
    var statusLines: Int { notes.state.withLock { $0.statusLines } }
    func seen(_ stamp: String) -> Double? { notes.state.withLock { $0.statuses[stamp] } }

    func stop() { peer.stop() }

    /// {"event":"listening","port":N,...} and {"event":"call",...,"action":"StatusNotification",
    /// "payload":{...,"timestamp":"..."}}; every other line is dropped.
    private static func note(_ line: String, readAt: Double, in notes: Notes) {
        if line.hasPrefix(#"{"event":"listening""#) {
            let port = line.split(separator: ",").first { $0.hasPrefix(#""port":"#) }.flatMap { Int($0.dropFirst(7)) }
            notes.state.withLock { $0.port = port }
        } else if line.hasPrefix(#"{"event":"call""#), line.contains(#""action":"StatusNotification""#),
            let field = line.firstRange(of: #""timestamp":""#)
        {
            let stamp = String(line[field.upperBound...].prefix { $0 != "\"" })
            notes.state.withLock { state in
                state.statusLines += 1
                if state.statuses[stamp] == nil { state.statuses[stamp] = readAt }
            }
        }
    }
}
