/// Everything `GPIOBoard` decides, without the GPIO: timestamped edges and
/// commands in; events, line levels and log lines out.
///
/// Time is whatever the caller says (kernel edge stamps and a monotonic
/// "now"), so tests drive it with made-up timestamps and no hardware.
struct BoardLogic {
    struct Edge: Equatable {
        var role: LineRole
        /// The logical level after the edge.
        var level: Bool
        /// CLOCK_MONOTONIC, ns.
        var time: UInt64
    }

    enum Output: Equatable {
        case event(BoardEvent)
        case drive(LineRole, Bool)
        case log(BoardLogLevel, String)
    }

    private struct ConnectorState {
        let pins: ConnectorPins
        var plug: Debouncer
        var feedback: Debouncer?
        var supervisor: RelaySupervisor?
        var meter: EnergyPulseCounter?
        var buzzerOffAt: UInt64?
    }

    private struct ReaderState {
        let connector: Int?
        var decoder: WiegandDecoder
    }

    private var connectors: [ConnectorState]
    private var readers: [ReaderState]
    /// The tamper switch, when the pin map has one; debounced like a plug.
    private var tamper: Debouncer?
    static let tamperDebounceMilliseconds = 50
    /// The external limit's control contact, when the pin map has one; debounced like a plug.
    private var limitContact: Debouncer?
    /// The power the contact imposes while active, W.
    private let limitPowerWatts: Double
    static let limitContactDebounceMilliseconds = 50

    /// `levels` holds the inputs' logical levels read at start.
    init(pinMap: PinMap, initialWattHours: [Int: Int64], levels: [LineRole: Bool], now: UInt64) {
        connectors = pinMap.connectors.map { pins in
            let number = pins.number
            var state = ConnectorState(
                pins: pins,
                plug: Debouncer(level: levels[.plug(number)] ?? false, at: now,
                                interval: milliseconds(pins.plugDebounceMilliseconds)))
            if pins.relayFeedback != nil {
                let closed = levels[.relayFeedback(number)] ?? false
                state.feedback = Debouncer(level: closed, at: now,
                                           interval: milliseconds(pins.feedbackDebounceMilliseconds))
                // The contact is only believed once debounced, so the
                // contactor gets its travel time plus the debounce.
                state.supervisor = RelaySupervisor(
                    feedback: closed, at: now,
                    timeout: milliseconds(pins.feedbackTimeoutMilliseconds + pins.feedbackDebounceMilliseconds))
            }
            if pins.meter != nil {
                state.meter = EnergyPulseCounter(
                    impulsesPerKilowattHour: pins.meterImpulsesPerKilowattHour,
                    minimumInterval: milliseconds(pins.meterMinimumIntervalMilliseconds),
                    startWattHours: initialWattHours[number] ?? 0)
            }
            return state
        }
        if pinMap.tamper != nil {
            tamper = Debouncer(level: levels[.tamper] ?? false, at: now, interval: milliseconds(Self.tamperDebounceMilliseconds))
        }
        limitPowerWatts = Double(pinMap.limit?.powerWatts ?? ExternalLimitPins.defaultPowerWatts)
        if pinMap.limit?.contact != nil {
            limitContact = Debouncer(
                level: levels[.limitContact] ?? false, at: now, interval: milliseconds(Self.limitContactDebounceMilliseconds))
        }
        readers = pinMap.readers.map { pins in
            ReaderState(connector: pins.connector, decoder: WiegandDecoder(.init(
                frameBits: pins.frameBits, idTagFormat: pins.idTagFormat,
                frameGap: milliseconds(pins.frameGapMilliseconds), bitGap: milliseconds(pins.bitGapMilliseconds))))
        }
    }

    /// The hardware's state as found at start, so the consumer does not
    /// have to assume "unplugged, open, zero".
    func startOutputs() -> [Output] {
        var outputs: [Output] = []
        // An enclosure found open at start is reported; a closed one is the normal case.
        if tamper?.level == true { outputs.append(.event(.tamper(active: true))) }
        // The contact's state either way: a limit is never assumed, and never carried over a restart.
        if let contact = limitContact { outputs.append(limitEvent(active: contact.level)) }
        for state in connectors {
            let number = state.pins.number
            outputs.append(.event(.plug(connector: number, connected: state.plug.level)))
            if let feedback = state.feedback {
                outputs.append(.event(.relayFeedback(connector: number, closed: feedback.level)))
            }
            if let meter = state.meter {
                outputs.append(.event(.energy(connector: number, wattHours: meter.wattHours)))
            }
        }
        return outputs
    }

    /// The earliest moment `poll` has something to do.
    var nextDeadline: UInt64? {
        var deadlines: [UInt64] = readers.compactMap(\.decoder.deadline) + [tamper?.deadline, limitContact?.deadline].compactMap { $0 }
        for state in connectors {
            deadlines += [state.plug.deadline, state.feedback?.deadline, state.supervisor?.deadline, state.buzzerOffAt]
                .compactMap { $0 }
        }
        return deadlines.min()
    }

    mutating func edge(_ edge: Edge, now: UInt64) -> [Output] {
        switch edge.role {
        case .plug(let number):
            return update(number) { state in
                state.plug.edge(to: edge.level, at: edge.time).map { .event(.plug(connector: number, connected: $0.level)) }
            }
        case .relayFeedback(let number):
            return update(number) { state in
                let changes = state.feedback?.edge(to: edge.level, at: edge.time) ?? []
                return changes.flatMap { Self.feedbackChanged($0, &state) }
            }
        case .meter(let number):
            guard edge.level else { return [] }
            return update(number) { state in Self.meterPulse(at: edge.time, &state) }
        case .wiegandData0(let index), .wiegandData1(let index):
            guard readers.indices.contains(index), edge.level else { return [] }
            let bit: Bool = if case .wiegandData1 = edge.role { true } else { false }
            let outcome = readers[index].decoder.pulse(bit, at: edge.time)
            return outcome.map { Self.frameFinished($0, reader: readers[index], now: now) } ?? []
        case .tamper:
            return tamper?.edge(to: edge.level, at: edge.time).map { .event(.tamper(active: $0.level)) } ?? []
        case .limitContact:
            return limitContact?.edge(to: edge.level, at: edge.time).map { limitEvent(active: $0.level) } ?? []
        case .relay, .readyLight, .chargingLight, .faultLight, .buzzer:
            return []
        }
    }

    mutating func poll(now: UInt64) -> [Output] {
        var outputs: [Output] = []
        if let change = tamper?.poll(now: now) { outputs.append(.event(.tamper(active: change.level))) }
        if let change = limitContact?.poll(now: now) { outputs.append(limitEvent(active: change.level)) }
        for index in readers.indices {
            if let outcome = readers[index].decoder.poll(now: now) {
                outputs += Self.frameFinished(outcome, reader: readers[index], now: now)
            }
        }
        for index in connectors.indices {
            let number = connectors[index].pins.number
            outputs += update(number) { state in
                var outputs: [Output] = []
                if let change = state.plug.poll(now: now) {
                    outputs.append(.event(.plug(connector: number, connected: change.level)))
                }
                // Feedback first: a contact that settled in time must not
                // lose the race against its own deadline.
                if let change = state.feedback?.poll(now: now) {
                    outputs += Self.feedbackChanged(change, &state)
                }
                if let findings = state.supervisor?.poll(now: now) {
                    outputs += Self.report(findings, &state)
                }
                if let offAt = state.buzzerOffAt, now >= offAt {
                    state.buzzerOffAt = nil
                    outputs.append(.drive(.buzzer(number), false))
                }
                return outputs
            }
        }
        return outputs
    }

    private func limitEvent(active: Bool) -> Output {
        .event(.externalLimit(source: .contact, watts: active ? limitPowerWatts : nil))
    }

    mutating func perform(_ command: BoardCommand, now: UInt64) -> [Output] {
        switch command {
        case .relay(let number, let closed):
            guard number >= 1, number <= connectors.count else {
                return [.log(.warning, "relay command for connector \(number), which this board does not have")]
            }
            return update(number) { state in Self.commandRelay(closed: closed, at: now, &state) }
        case .currentLimit:
            // No pilot or PWM line on these boards: the contactor is the
            // only control, and it is commanded on its own.
            return []
        case .indicate(let target, let indication):
            let numbers = target.map { [$0] } ?? connectors.map(\.pins.number)
            return numbers.flatMap { number in
                update(number) { state in Self.indicate(indication, at: now, &state) }
            }
        }
    }

    /// Opens every relay.
    mutating func makeSafe(now: UInt64) -> [Output] {
        connectors.map(\.pins.number).flatMap { number in
            update(number) { state in Self.commandRelay(closed: false, at: now, &state) }
        }
    }

    private static func commandRelay(closed: Bool, at now: UInt64, _ state: inout ConnectorState) -> [Output] {
        let number = state.pins.number
        guard var supervisor = state.supervisor else {
            return [.drive(.relay(number), closed)]
        }
        let (decision, findings) = supervisor.command(closed: closed, at: now)
        state.supervisor = supervisor
        switch decision {
        case .drive(let level):
            return [.drive(.relay(number), level)] + report(findings, &state)
        case .refused(let failure):
            return [.drive(.relay(number), false),
                    .log(.error, "connector \(number): close command refused: \(failure)")]
        }
    }

    private static func feedbackChanged(_ change: Debouncer.Change, _ state: inout ConnectorState) -> [Output] {
        let number = state.pins.number
        var outputs: [Output] = [.event(.relayFeedback(connector: number, closed: change.level))]
        if let findings = state.supervisor?.feedback(closed: change.level, at: change.since) {
            outputs += report(findings, &state)
        }
        return outputs
    }

    private static func report(_ findings: [RelaySupervisor.Finding], _ state: inout ConnectorState) -> [Output] {
        let number = state.pins.number
        return findings.flatMap { finding -> [Output] in
            switch finding {
            case .raised(let failure):
                [.drive(.relay(number), false),
                 .event(.fault(connector: number, fault: .powerSwitchFailure, active: true)),
                 .log(.error, "connector \(number): \(failure); relay opened, not retried")]
            case .cleared(let failure):
                [.event(.fault(connector: number, fault: .powerSwitchFailure, active: false)),
                 .log(.info, "connector \(number): cleared: \(failure)")]
            }
        }
    }

    private static func meterPulse(at time: UInt64, _ state: inout ConnectorState) -> [Output] {
        guard var meter = state.meter else { return [] }
        defer { state.meter = meter }
        switch meter.pulse(at: time) {
        case .register(let wattHours):
            return [.event(.energy(connector: state.pins.number, wattHours: wattHours))]
        case .counted:
            return []
        case .ignored(let interval):
            return [.log(.debug, "connector \(state.pins.number): S0 pulse \(interval / 1000) µs after the previous one ignored")]
        }
    }

    private static func frameFinished(_ outcome: WiegandDecoder.Outcome, reader: ReaderState, now: UInt64) -> [Output] {
        switch outcome {
        case .card(let card):
            // From the last pulse (the frame's end on the wire) to the
            // event leaving the board: the frame gap plus our own delay.
            let delay = now >= card.lastPulse ? (now - card.lastPulse) / 1000 : 0
            return [.event(.cardRead(connector: reader.connector, idTag: card.idTag)),
                    .log(.info, "card read: \(card.bits)-bit frame, idTag \(card.idTag), delay_us=\(delay) after its last pulse")]
        case .rejected(let rejection):
            return [.log(.warning, "card frame dropped: \(rejection)")]
        }
    }

    private static func indicate(_ indication: Indication, at now: UInt64, _ state: inout ConnectorState) -> [Output] {
        let pattern = IndicationPattern(indication)
        let number = state.pins.number
        var outputs: [Output] = []
        if state.pins.readyLight != nil { outputs.append(.drive(.readyLight(number), pattern.ready)) }
        if state.pins.chargingLight != nil { outputs.append(.drive(.chargingLight(number), pattern.charging)) }
        if state.pins.faultLight != nil { outputs.append(.drive(.faultLight(number), pattern.fault)) }
        if state.pins.buzzer != nil, pattern.beepMilliseconds > 0 {
            outputs.append(.drive(.buzzer(number), true))
            state.buzzerOffAt = now &+ milliseconds(pattern.beepMilliseconds)
        }
        return outputs
    }

    private mutating func update(_ number: Int, _ body: (inout ConnectorState) -> [Output]) -> [Output] {
        // Compared before subtracting, so that no number can overflow.
        guard number >= 1, number <= connectors.count else { return [] }
        return body(&connectors[number - 1])
    }
}

func milliseconds(_ value: Int) -> UInt64 { UInt64(max(0, value)) * 1_000_000 }
