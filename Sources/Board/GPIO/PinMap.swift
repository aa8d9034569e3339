/// Which GPIO line does what on one kind of board, read from `board/*.toml`.
///
/// A pin map is checked as a whole when it is read (`PinMap.load(path:)`):
/// a map that names an undeclared chip, uses one line twice or lacks a
/// required line is refused with its file, key and reason, so a charger
/// never starts on a half-understood wiring.
public struct PinMap: Sendable, Equatable {
    /// The file the map was read from, for messages.
    public var file: String
    /// What the technician calls this board.
    public var boardName: String
    /// Chip names used by lines: `main` is `[board] chip`, the others come
    /// from `[chips]`. Values are what `ChipSpec` accepts.
    public var chips: [String: String]
    /// Connectors numbered from 1, in order.
    public var connectors: [ConnectorPins]
    /// Wiegand readers, in file order.
    public var readers: [ReaderPins]
    /// The enclosure's tamper switch, `[board] tamper`: logical high = tampered.
    public var tamper: LineSpec? = nil
    /// The external power limit, `[limit]`: a grid operator's control contact.
    public var limit: ExternalLimitPins? = nil
    /// Modbus meters, `[meter.N]`, by connector number.
    public var meters: [MeterSettings] = []

    /// Every line the map uses, with what the board does with it.
    public var lines: [Line] {
        var all: [Line] = []
        for pins in connectors {
            let number = pins.number
            all.append(Line(role: .relay(number), spec: pins.relay))
            if let line = pins.relayFeedback { all.append(Line(role: .relayFeedback(number), spec: line)) }
            all.append(Line(role: .plug(number), spec: pins.plug))
            if let line = pins.meter { all.append(Line(role: .meter(number), spec: line)) }
            if let line = pins.readyLight { all.append(Line(role: .readyLight(number), spec: line)) }
            if let line = pins.chargingLight { all.append(Line(role: .chargingLight(number), spec: line)) }
            if let line = pins.faultLight { all.append(Line(role: .faultLight(number), spec: line)) }
            if let line = pins.buzzer { all.append(Line(role: .buzzer(number), spec: line)) }
        }
        for (index, reader) in readers.enumerated() {
            all.append(Line(role: .wiegandData0(index), spec: reader.data0))
            all.append(Line(role: .wiegandData1(index), spec: reader.data1))
        }
        if let tamper { all.append(Line(role: .tamper, spec: tamper)) }
        if let contact = limit?.contact { all.append(Line(role: .limitContact, spec: contact)) }
        return all
    }

    /// One line and its job.
    public struct Line: Sendable, Equatable {
        public var role: LineRole
        public var spec: LineSpec
    }
}

/// Where a line is and how it is wired.
public struct LineSpec: Sendable, Equatable {
    /// The pin map key that named it, e.g. `connector.1.relay`.
    public var key: String
    /// A name from `PinMap.chips`.
    public var chip: String
    /// The line's offset on its chip.
    public var offset: Int
    /// True when the electrically low level means "on" (closed, plugged,
    /// pulse). Everything above the GPIO layer sees logical levels only.
    public var activeLow: Bool
    public var bias: Bias

    public init(key: String, chip: String = "main", offset: Int, activeLow: Bool = false, bias: Bias = .asIs) {
        self.key = key
        self.chip = chip
        self.offset = offset
        self.activeLow = activeLow
        self.bias = bias
    }
}

/// The pull resistor the SoC should enable on an input line.
public enum Bias: String, Sendable, Equatable, CaseIterable {
    /// Leave it as the device tree or boot firmware set it.
    case asIs = "as-is"
    case disabled = "disable"
    case pullUp = "pull-up"
    case pullDown = "pull-down"
}

/// What the board does with a line; the connector number or reader index
/// says whose line it is.
public enum LineRole: Sendable, Hashable, CustomStringConvertible {
    case relay(Int), relayFeedback(Int), plug(Int), meter(Int)
    case readyLight(Int), chargingLight(Int), faultLight(Int), buzzer(Int)
    case wiegandData0(Int), wiegandData1(Int)
    case tamper
    case limitContact

    /// Outputs are driven by the board; inputs are watched for edges.
    public var isOutput: Bool {
        switch self {
        case .relay, .readyLight, .chargingLight, .faultLight, .buzzer: true
        case .relayFeedback, .plug, .meter, .wiegandData0, .wiegandData1, .tamper, .limitContact: false
        }
    }

    /// Inputs whose pulse start is all that matters. Asking the kernel for
    /// one edge kind spares it reading the level back, which is too late
    /// for a 50 µs Wiegand pulse.
    var watchesPulseStartsOnly: Bool {
        switch self {
        case .meter, .wiegandData0, .wiegandData1: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .relay(let c): "connector \(c) relay"
        case .relayFeedback(let c): "connector \(c) relay feedback"
        case .plug(let c): "connector \(c) plug sense"
        case .meter(let c): "connector \(c) S0 meter"
        case .readyLight(let c): "connector \(c) ready light"
        case .chargingLight(let c): "connector \(c) charging light"
        case .faultLight(let c): "connector \(c) fault light"
        case .buzzer(let c): "connector \(c) buzzer"
        case .wiegandData0(let r): "reader \(r + 1) D0"
        case .wiegandData1(let r): "reader \(r + 1) D1"
        case .tamper: "tamper switch"
        case .limitContact: "external limit contact"
        }
    }
}

/// The lines and timings of one connector.
public struct ConnectorPins: Sendable, Equatable {
    public var number: Int
    /// Contactor coil driver. Logical high = closed.
    public var relay: LineSpec
    /// Auxiliary contact of the contactor. Logical high = closed. Without
    /// it the relay is driven unsupervised: no PowerSwitchFailure is found.
    public var relayFeedback: LineSpec?
    /// How long the contactor may take to follow a command, in ms.
    public var feedbackTimeoutMilliseconds: Int = 500
    /// How long the feedback must stay at a level before it counts, in ms.
    public var feedbackDebounceMilliseconds: Int = 20
    /// Plug sense. Logical high = a cable is in.
    public var plug: LineSpec
    public var plugDebounceMilliseconds: Int = 50
    /// S0 pulse output of the energy meter. Logical high = pulse.
    public var meter: LineSpec?
    public var meterImpulsesPerKilowattHour: Int = 1000
    /// Pulses closer together than this are noise: S0 pulses last at
    /// least 30 ms, so real ones never are.
    public var meterMinimumIntervalMilliseconds: Int = 20
    public var readyLight: LineSpec?
    public var chargingLight: LineSpec?
    public var faultLight: LineSpec?
    public var buzzer: LineSpec?

    public init(number: Int, relay: LineSpec, plug: LineSpec) {
        self.number = number
        self.relay = relay
        self.plug = plug
    }
}

/// The external power limit (§14a EnWG): while the control contact is
/// active the charger draws at most `powerWatts` in all, whatever the
/// operators allow.
public struct ExternalLimitPins: Sendable, Equatable {
    /// The contact. Logical high = the limit is imposed.
    public var contact: LineSpec?
    /// The power the contact imposes, W; 0 suspends charging.
    public var powerWatts: Int = ExternalLimitPins.defaultPowerWatts
    /// The Modbus/TCP server a local energy manager writes its limit to;
    /// nil: none.
    public var energyManager: EnergyManagerSettings? = nil

    /// 4.2 kW: what a grid operator may dim a charger to (§14a EnWG).
    public static let defaultPowerWatts = 4200

    public init(contact: LineSpec?, powerWatts: Int = ExternalLimitPins.defaultPowerWatts) {
        self.contact = contact
        self.powerWatts = powerWatts
    }
}

/// A Wiegand card reader.
public struct ReaderPins: Sendable, Equatable {
    /// The connector it serves; nil when it serves the whole charger.
    public var connector: Int?
    public var data0: LineSpec
    public var data1: LineSpec
    /// Frame lengths accepted: 26 and 34 are parity-checked, any other
    /// length is taken raw.
    public var frameBits: [Int] = [26, 34]
    public var idTagFormat: IdTagFormat = .hex
    /// Silence that ends a frame, in ms.
    public var frameGapMilliseconds: Int = 25
    /// The longest pause between two bits of one frame, in ms.
    public var bitGapMilliseconds: Int = 10

    public init(connector: Int?, data0: LineSpec, data1: LineSpec) {
        self.connector = connector
        self.data0 = data0
        self.data1 = data1
    }
}

/// How a card number becomes an OCPP idTag.
public enum IdTagFormat: String, Sendable, Equatable, CaseIterable {
    /// The frame's data bits as one decimal number: `4660`.
    case decimal
    /// The data bits in upper-case hex, zero-padded to whole nibbles: `001234`.
    case hex
    /// Facility code and card number in decimal: `18:4660`.
    case facilityCard = "facility:card"
}
