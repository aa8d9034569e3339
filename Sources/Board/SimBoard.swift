import Synchronization

/// A simulated charger for tests and the demo.
///
/// Driven by calls (`plug`, `swipe`, `unplug`) from tests or from the CLI
/// through the agent's control socket. Time moves only when `advance` is
/// called, so energy grows deterministically: while a connector's relay is
/// closed and the car draws, the register grows by limit × voltage × phases.
public final class SimBoard: Board {
    public struct Connector: Sendable, Equatable {
        public var plugged = false
        public var relayClosed = false
        public var currentLimit = 0.0
        public var wattHours: Int64 = 0
        /// Fractional Wh not yet on the register.
        public var pendingEnergy = 0.0
        public var drawing = true
        /// A welded relay reports closed whatever it is told.
        public var welded = false
        public var lastIndication: Indication = .idle
    }

    public let connectorCount: Int
    public let events: AsyncStream<BoardEvent>
    private let continuation: AsyncStream<BoardEvent>.Continuation
    private let state: Mutex<[Connector]>
    /// Line voltage and phases used to turn amperes into power.
    public let voltage: Double
    public let phases: Int
    /// The power the simulated control contact imposes, W (`[limit]
    /// contact_power_w` of a pin map named for the simulated board).
    public let limitContactWatts: Double
    /// Polls the Modbus meters of `useMeters(_:)`: their connectors' energy
    /// is the meters', not simulated.
    private let poller = Mutex<MeterPoller?>(nil)
    private let server = Mutex<EnergyManagerServer?>(nil)

    public init(
        connectorCount: Int = 2, voltage: Double = 230, phases: Int = 3, initialWattHours: Int64 = 0,
        limitContactWatts: Double = Double(ExternalLimitPins.defaultPowerWatts)
    ) {
        self.connectorCount = connectorCount
        self.voltage = voltage
        self.phases = phases
        self.limitContactWatts = limitContactWatts
        var connectors = Array(repeating: Connector(), count: connectorCount)
        for index in connectors.indices { connectors[index].wattHours = initialWattHours }
        state = Mutex(connectors)
        (events, continuation) = AsyncStream.makeStream(of: BoardEvent.self, bufferingPolicy: .unbounded)
    }

    /// Reads `meters` (`[meter.N]` of a pin map named in the agent's
    /// configuration): each one's readings become its connector's events,
    /// and the connector's simulated energy stops.
    public func useMeters(_ meters: [MeterSettings], log: @escaping BoardLog = { _, _ in }) throws(GPIOBoardError) {
        guard !meters.isEmpty else { return }
        let started = try MeterPoller(settings: meters, continuation: continuation, log: log)
        poller.withLock { $0 = started }
    }

    public var signedMeters: (any SignedMeters)? { poller.withLock { $0 } }

    /// Listens for a local energy manager (`[limit] energy_manager` of a
    /// pin map named in the agent's configuration).
    public func useEnergyManager(_ settings: EnergyManagerSettings, log: @escaping BoardLog = { _, _ in }) throws(GPIOBoardError) {
        let started = try EnergyManagerServer(settings: settings, continuation: continuation, log: log)
        server.withLock { $0 = started }
    }

    /// The server of `useEnergyManager(_:)`.
    public var energyManager: EnergyManagerServer? { server.withLock { $0 } }

    /// The poller of `useMeters(_:)`, for its counters.
    public var meterPoller: MeterPoller? { poller.withLock { $0 } }

    /// A copy of one connector's simulated state.
    public func connector(_ number: Int) -> Connector? {
        state.withLock { connectors in
            number >= 1 && number <= connectors.count ? connectors[number - 1] : nil
        }
    }

    public func plug(_ connector: Int) { setPlug(connector, true) }
    public func unplug(_ connector: Int) { setPlug(connector, false) }

    private func setPlug(_ connector: Int, _ plugged: Bool) {
        let changed = update(connector) { state in
            defer { state.plugged = plugged }
            return state.plugged != plugged
        }
        if changed == true { continuation.yield(.plug(connector: connector, connected: plugged)) }
    }

    public func swipe(_ idTag: String, at connector: Int? = nil) {
        continuation.yield(.cardRead(connector: connector, idTag: idTag))
    }

    /// The car starts or stops drawing current.
    public func setDrawing(_ connector: Int, _ drawing: Bool) {
        update(connector) { $0.drawing = drawing }
        continuation.yield(.evDrawing(connector: connector, drawing: drawing))
    }

    public func setWelded(_ connector: Int, _ welded: Bool) {
        let closed = update(connector) { state -> Bool in
            state.welded = welded
            return welded || state.relayClosed
        }
        if let closed { continuation.yield(.relayFeedback(connector: connector, closed: closed)) }
    }

    /// The enclosure's tamper switch opens (or closes again).
    public func setTampered(_ active: Bool) {
        continuation.yield(.tamper(active: active))
    }

    /// The grid operator's control contact closes (the limit is imposed)
    /// or opens again.
    public func setLimitContact(_ active: Bool) {
        let event = BoardEvent.externalLimit(source: .contact, watts: active ? limitContactWatts : nil)
        energyManager?.note(event)
        continuation.yield(event)
    }

    public func raise(_ fault: BoardFault, on connector: Int, active: Bool = true) {
        continuation.yield(.fault(connector: connector, fault: fault, active: active))
    }

    /// Lets `seconds` of charging happen and reports the new registers.
    public func advance(seconds: Double) {
        var reports: [(Int, Int64)] = []
        let metered = Set(meterPoller?.settings.map(\.connector) ?? [])
        state.withLock { connectors in
            for index in connectors.indices where !metered.contains(index + 1) {
                var connector = connectors[index]
                guard connector.relayClosed, connector.drawing, connector.plugged else { continue }
                let watts = connector.currentLimit * voltage * Double(phases)
                connector.pendingEnergy += watts * seconds / 3600
                let whole = connector.pendingEnergy.rounded(.down)
                if whole >= 1 {
                    connector.wattHours += Int64(whole)
                    connector.pendingEnergy -= whole
                    reports.append((index + 1, connector.wattHours))
                }
                connectors[index] = connector
            }
        }
        for (connector, wattHours) in reports {
            continuation.yield(.energy(connector: connector, wattHours: wattHours))
        }
    }

    public func perform(_ command: BoardCommand) {
        switch command {
        case .relay(let connector, let closed):
            let feedback = update(connector) { state -> Bool in
                state.relayClosed = closed
                return state.welded || closed
            }
            if let feedback { continuation.yield(.relayFeedback(connector: connector, closed: feedback)) }
        case .currentLimit(let connector, let amperes):
            update(connector) { $0.currentLimit = max(0, amperes) }
        case .indicate(let connector, let indication):
            if let connector {
                update(connector) { $0.lastIndication = indication }
            } else {
                for number in 1...max(1, connectorCount) { update(number) { $0.lastIndication = indication } }
            }
        }
    }

    public func makeSafe() {
        for connector in 1...max(1, connectorCount) { perform(.relay(connector: connector, closed: false)) }
    }

    /// Answers at once: the simulator has no thread of its own.
    public func probe(_ number: UInt64) { continuation.yield(.alive(probe: number)) }

    /// Stops the meters' polling and the energy manager's server, and ends `events`.
    public func finish() {
        meterPoller?.stop()
        energyManager?.stop()
        continuation.finish()
    }

    /// Sets the energy register, e.g. to the value stored before a restart.
    public func setRegister(_ connector: Int, _ wattHours: Int64) {
        update(connector) { $0.wattHours = max($0.wattHours, wattHours) }
    }

    @discardableResult
    private func update<T>(_ connector: Int, _ body: (inout Connector) -> T) -> T? {
        state.withLock { connectors in
            // Compared before subtracting: `chargeplex sim plug N` may name any number.
            guard connector >= 1, connector <= connectors.count else { return nil }
            return body(&connectors[connector - 1])
        }
    }
}
