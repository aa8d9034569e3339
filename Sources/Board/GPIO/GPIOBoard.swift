#if canImport(Glibc)
import Glibc
#endif

/// Receives the board's log lines; the daemon passes them to its logger.
public typealias BoardLog = @Sendable (BoardLogLevel, String) -> Void

/// How much a log line matters.
public enum BoardLogLevel: String, Sendable, Comparable {
    case debug, info, warning, error

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }
}

/// The charger's real hardware over the Linux GPIO character device.
///
/// Every line of the pin map is requested at once with the consumer name
/// "chargeplex"; a line that is missing or busy stops the board from
/// opening, with the pin map key that named it. Input edges are read with
/// their kernel timestamps on a thread of its own, so Wiegand bits, S0
/// pulses and contact bounces are timed where they happened, not when the
/// rest of the agent got round to them.
///
/// Safety of the contactor:
/// - relay lines are requested as outputs already at "open";
/// - they are opened on `makeSafe()`, `close()`, on a power switch
///   failure, and on SIGTERM/SIGINT once `openRelaysOnSignals()` is called;
/// - when the process dies any other way (SIGKILL, crash, OOM) the kernel
///   releases the lines. What a released line does is up to the SoC (many,
///   the Raspberry Pi among them, turn it back into an input), so the
///   board must hold the relay driver's input at "open" with a resistor
///   (pull-down for an active-high driver) and use a normally-open
///   contactor. Then a dead process, a reboot or a kernel panic all open
///   the contactor, and software is not the last line of defence.
public final class GPIOBoard: Board {
    public let connectorCount: Int
    public let events: AsyncStream<BoardEvent>
    public let pinMap: PinMap
    private let runtime: GPIOBoardRuntime
    /// Polls the `[meter.N]` Modbus meters; nil when the map has none.
    public let meterPoller: MeterPoller?
    /// Listens for a local energy manager; nil when `[limit]` names none.
    public let energyManager: EnergyManagerServer?

    /// Opens every line of `pinMap` and starts watching the inputs.
    ///
    /// - Parameters:
    ///   - initialWattHours: each connector's energy register as last
    ///     stored; S0 pulses are counted on from there.
    ///   - traceEdges: log every raw input edge at debug level (for
    ///     `board watch`; too chatty for normal running).
    /// - Throws: `PinMapError` naming the key whose chip or line this
    ///   machine does not have or cannot give; `GPIOBoardError` when the
    ///   system refuses a pipe or a thread.
    public init(
        pinMap: PinMap, initialWattHours: [Int: Int64] = [:], traceEdges: Bool = false,
        log: @escaping BoardLog = { _, _ in }
    ) throws {
        self.pinMap = pinMap
        connectorCount = pinMap.connectors.count
        let (stream, continuation) = AsyncStream.makeStream(of: BoardEvent.self, bufferingPolicy: .unbounded)
        events = stream
        let chips = try Self.openChips(of: pinMap)
        var outputs: [LineRole: RequestedLine] = [:]
        var inputs: [RequestedLine] = []
        var owners: [String: String] = [:]
        for line in pinMap.lines {
            // The reader compares chips by name; two names for one chip
            // (a label and a path) only show up once the chips are open.
            if let chip = chips[line.spec.chip] {
                let place = "\(chip.name) line \(line.spec.offset)"
                if let owner = owners.updateValue(line.spec.key, forKey: place) {
                    throw PinMapError(file: pinMap.file, key: line.spec.key, reason: "\(place) is already used by \(owner)")
                }
            }
            let requested = try Self.request(line, chips: chips, file: pinMap.file)
            if line.role.isOutput { outputs[line.role] = requested } else { inputs.append(requested) }
        }
        var levels: [LineRole: Bool] = [:]
        for input in inputs { levels[input.role] = input.level() }
        let logic = BoardLogic(
            pinMap: pinMap, initialWattHours: initialWattHours, levels: levels, now: monotonicNow())
        let server = try pinMap.limit?.energyManager.map {
            try EnergyManagerServer(settings: $0, continuation: continuation, log: log)
        }
        energyManager = server
        do {
            runtime = try GPIOBoardRuntime(
                logic: logic, outputs: outputs, inputs: inputs,
                continuation: continuation, traceEdges: traceEdges, log: log, observe: server.map { $0.note })
        } catch {
            server?.stop()
            throw error
        }
        do {
            meterPoller = pinMap.meters.isEmpty
                ? nil : try MeterPoller(settings: pinMap.meters, continuation: continuation, log: log)
        } catch {
            server?.stop()
            runtime.close()
            throw error
        }
    }

    deinit { close() }

    public var signedMeters: (any SignedMeters)? { meterPoller }

    public func perform(_ command: BoardCommand) { runtime.perform(command) }

    public func makeSafe() { runtime.makeSafe() }

    public func probe(_ number: UInt64) { runtime.probe(number) }

    /// Opens every relay, stops the meter, energy manager and event threads, releases
    /// every line and ends `events`. Safe to call more than once.
    public func close() {
        meterPoller?.stop()
        energyManager?.stop()
        runtime.close()
    }

    /// On any of `signals`, the event thread opens every relay and then
    /// lets the signal end the process as it would have. For a daemon that
    /// shuts down by itself on SIGTERM, call `makeSafe()` first thing in its
    /// own handler instead.
    public func openRelaysOnSignals(_ signals: [Int32] = [SIGTERM, SIGINT]) {
        runtime.openRelays(on: signals)
    }

    private static func openChips(of pinMap: PinMap) throws(PinMapError) -> [String: GPIOChip] {
        var chips: [String: GPIOChip] = [:]
        for line in pinMap.lines where chips[line.spec.chip] == nil {
            let spec = pinMap.chips[line.spec.chip] ?? line.spec.chip
            guard let chip = GPIOChip.open(spec) else {
                let key = line.spec.chip == "main" ? "board.chip" : "chips.\(line.spec.chip)"
                throw PinMapError(file: pinMap.file, key: key,
                                  reason: "no GPIO chip '\(spec)' on this machine (\(availableChips()))")
            }
            chips[line.spec.chip] = chip
        }
        return chips
    }

    private static func request(_ line: PinMap.Line, chips: [String: GPIOChip], file: String) throws(PinMapError) -> RequestedLine {
        guard let chip = chips[line.spec.chip] else {
            throw PinMapError(file: file, key: line.spec.key, reason: "unknown chip '\(line.spec.chip)'")
        }
        do {
            return try RequestedLine(role: line.role, spec: line.spec, chip: chip)
        } catch {
            throw PinMapError(file: file, key: line.spec.key,
                              reason: explain(error, chip: chip, offset: line.spec.offset))
        }
    }

    static func explain(_ failure: RequestedLine.Failure, chip: GPIOChip, offset: Int) -> String {
        let place = "\(chip.name) [\(chip.label)] line \(offset)"
        switch failure {
        case .noSuchLine:
            return "\(place) does not exist: the chip has lines 0 to \(chip.lineCount - 1)"
        case .busy(let consumer):
            return "\(place) is already in use by '\(consumer ?? "an unnamed consumer")'"
        case .refused(let code):
            return "the kernel refused \(place): \(String(cString: strerror(code)))"
        }
    }

    /// "found: gpiochip0 [pinctrl-bcm2711], …" for messages.
    static func availableChips() -> String {
        let found = GPIOChip.devicePaths().compactMap(GPIOChip.open(path:)).map { "\($0.name) [\($0.label)]" }
        return found.isEmpty ? "no GPIO chips found" : "found: " + found.joined(separator: ", ")
    }
}

public enum GPIOBoardError: Error, Sendable, CustomStringConvertible {
    case system(String)

    public var description: String {
        switch self {
        case .system(let reason): reason
        }
    }
}
