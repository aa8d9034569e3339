import Board
import ChargePoint
import Configuration
import Dispatch
import Logging
import NIOCore
import NIOPosix
import OCPP16
import Operators
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// The running agent: the board, the charge point, the operators, the
/// control socket, and the loops that feed them, started and stopped together.
final class Agent: Sendable {
    let configuration: AgentConfiguration
    let board: any Board
    let simulated: SimBoard?
    let chargePoint: ChargePoint
    let operators: Operators
    let database: Database
    let store: KeyValueStore
    let logger: Logger
    let socketPath: String
    /// The file the configuration was read from, for the startup line.
    let configurationFile: String
    let service: ServiceSupervisor
    /// The umask the process was started with (the agent's own is 0077).
    let inheritedUmask: mode_t

    init(configuration: AgentConfiguration, configurationFile: String, logger: Logger) throws {
        self.configuration = configuration
        self.configurationFile = configurationFile
        self.logger = logger
        service = ServiceSupervisor(notify: .fromEnvironment(), logger: logger)
        service.startWatchdog()
        let directory = configuration.stateDirectory
        inheritedUmask = try StateFiles.prepare(directory: directory, logger: logger)
        database = try Database(path: directory + "/" + StateFiles.databaseName)
        store = try KeyValueStore(database: database)
        let queue = try MessageQueue(database: database)
        socketPath = directory + "/" + AgentConfiguration.controlSocketName

        switch configuration.board.kind {
        case .sim:
            // A pin map named for a simulated board gives its Modbus meters, the
            // power of its contact and its energy manager; its lines stay simulated.
            let pinMap = try configuration.board.pinMap.map {
                try PinMap.load(path: $0, simulatedConnectors: configuration.board.connectors)
            }
            let sim = SimBoard(
                connectorCount: configuration.board.connectors,
                limitContactWatts: Double(pinMap?.limit?.powerWatts ?? ExternalLimitPins.defaultPowerWatts))
            if let pinMap { try sim.useMeters(pinMap.meters, log: Self.boardLog(logger)) }
            if let settings = pinMap?.limit?.energyManager { try sim.useEnergyManager(settings, log: Self.boardLog(logger)) }
            board = sim
            simulated = sim
        case .gpio:
            guard let path = configuration.board.pinMap else { throw AgentError("board.pinmap is required for a GPIO board") }
            let pinMap = try PinMap.load(path: path)
            let registers = try ChargePoint.storedRegisters(store)
            board = try GPIOBoard(pinMap: pinMap, initialWattHours: registers, log: Self.boardLog(logger))
            simulated = nil
        }

        let settings = try ConfigurationStore(
            persistence: store, connectorCount: board.connectorCount,
            initial: configuration.ocppSettings.map { (key: $0.key, value: $0.value) })
        let localList = configuration.authorization.localList.compactMap { entry -> AuthorizationData? in
            guard let idTag = IdToken(entry.idTag), let status = AuthorizationStatus(rawValue: entry.status.rawValue) else { return nil }
            return AuthorizationData(
                idTag: idTag,
                idTagInfo: IdTagInfo(
                    status: status, expiryDate: entry.expiryDate.flatMap { OCPPDateTime(rfc3339: $0) },
                    parentIdTag: entry.parentIdTag.flatMap { IdToken($0) }))
        }
        let identity = ChargePoint.Identity(
            vendor: configuration.chargePoint.vendor, model: configuration.chargePoint.model,
            serialNumber: configuration.chargePoint.serialNumber,
            firmwareVersion: configuration.chargePoint.firmwareVersion ?? ChargeplexVersion.string)
        chargePoint = ChargePoint(
            identity: identity, board: board, persistence: store, ledger: TransactionLedger(queue: queue),
            configuration: settings, localList: localList,
            freeVend: configuration.authorization.freeVend ? IdToken(truncating: configuration.authorization.freeVendIdTag) : nil,
            logger: logger)
        operators = Operators(
            chargePoint: chargePoint, queue: queue, store: store,
            settings: Operators.Settings(chargePointId: configuration.chargePoint.id, stateDirectory: configuration.stateDirectory), clock: WallClock.now, logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then stops in order: relays open,
    /// transactions end (reason Reboot) and are stored, links close.
    func run() async throws {
        let (stops, stop) = AsyncStream.makeStream(of: Int32.self)
        let signals = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { stop.yield(number) }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }

        await chargePoint.attach(uplink: operators, requests: { request in
            if case .restart = request { stop.yield(0) }
        })
        if let installer = configuration.firmware.installer {
            let firmware = AgentFirmware(
                installer: installer, runBy: configuration.firmware.runBy, caFile: configuration.firmware.caFile,
                directory: configuration.stateDirectory + "/" + StateFiles.firmwareFolderName,
                inheritedUmask: inheritedUmask, logger: logger)
            if firmware.runBy == .unit { firmware.withdrawLeftovers() }
            await chargePoint.useFirmware(firmware)
        }
        let certificates = CertificateStores(stateDirectory: configuration.stateDirectory)
        await chargePoint.useFirmwareVerifier(ManufacturerFirmwareVerifier(store: certificates.manufacturer))
        await chargePoint.useDiagnostics(
            AgentDiagnostics(
                report: { [self] start, stop in await self.diagnosticsReport(from: start, until: stop) },
                securityLog: { [self] start, stop in self.securityLogReport(from: start, until: stop) }))
        await chargePoint.useCertificates(certificates)
        await chargePoint.loadState()
        // The list first: what recovery stores must go to every operator's queue.
        await operators.start(configured: configuration.operators)
        await operators.securityEvent(.startupOfTheDevice, techInfo: "chargeplex \(ChargeplexVersion.string) started")
        await chargePoint.recover(energy: try energyRegisters(), now: WallClock.now())
        let control = try await ControlServer(path: socketPath, group: MultiThreadedEventLoopGroup.singleton) { [self] line in
            await self.control(line)
        }
        service.ready(status: await serviceStatus(), probe: { [board] number in board.probe(number) })
        let facts = await startupFacts()
        logger.info("chargeplex running", metadata: facts)

        let events = Task { [self] in
            for await event in board.events {
                // The board's answer to the watchdog's probe: the event path runs.
                if case .alive(let probe) = event {
                    service.probeAnswered(probe)
                    continue
                }
                await chargePoint.handle(event, now: WallClock.now())
            }
        }
        let ticks = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                simulated?.advance(seconds: 1)
                let names = await operators.entries.filter(\.enabled).map(\.name)
                await chargePoint.tick(now: WallClock.now(), audiences: names)
                service.completed(.chargePoint)
                await operators.tick()
                service.completed(.operators)
                if service.notify.socketPath != nil { service.update(status: await serviceStatus()) }
            }
        }

        var received: Int32 = 0
        for await number in stops {
            received = number
            break
        }
        logger.info("stopping", metadata: ["signal": "\(received)"])
        ticks.cancel()
        let running = await chargePoint.transactions.count
        service.stopping(
            status: "stopping: opening the relays"
                + (running == 0 ? "" : ", ending \(running) transaction\(running == 1 ? "" : "s") (reason Reboot)"))
        for transaction in await chargePoint.transactions {
            await chargePoint.stopTransaction(on: transaction.connector, reason: .reboot, idTag: nil, now: WallClock.now())
        }
        await chargePoint.flushEnergy(now: WallClock.now())
        board.makeSafe()
        await control.close()
        // The stops are stored already; give the links a moment to deliver them now.
        await operators.drain(within: .seconds(5))
        await operators.shutdown()
        events.cancel()
        (board as? GPIOBoard)?.meterPoller?.stop()
        (board as? GPIOBoard)?.energyManager?.stop()
        simulated?.finish()
        database.close()
        service.stopped(status: "stopped")
    }

    /// The board's log lines into the agent's log.
    static func boardLog(_ logger: Logger) -> BoardLog {
        { level, text in
            switch level {
            case .debug: logger.debug("\(text)")
            case .info: logger.info("\(text)")
            case .warning: logger.warning("\(text)")
            case .error: logger.error("\(text)")
            }
        }
    }

    /// The energy registers as stored before the restart: a register never goes backwards.
    func energyRegisters() throws -> [Int: Int64] {
        let registers = try ChargePoint.storedRegisters(store)
        if let simulated {
            for (connector, wattHours) in registers { simulated.setRegister(connector, wattHours) }
        }
        return registers
    }
}

struct AgentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
