/// Where a Modbus meter keeps each value and how to read it, from a
/// register map file (`board/meters/<name>.toml`, see its README).
///
/// A map is checked as a whole when it is read (`RegisterMap.load`): every
/// register names a read function, an address, a data type whose width
/// fits below 65536, a scale and a unit that suits its measurand.
public struct RegisterMap: Sendable, Equatable {
    /// The file the map was read from, for messages.
    public var file: String
    /// `[meter] manufacturer` and `model`: the identity `meter check` shows.
    public var manufacturer: String
    public var model: String
    /// The values the meter offers, in a fixed order (energy first).
    public var registers: [MeterRegister]
    /// The serial number's register(s), when the meter has one.
    public var serial: SerialRegister?
    /// The signed-reading block, for a meter that signs (OCMF).
    public var ocmf: OCMFBlock?

    public func register(_ measurand: Measurand) -> MeterRegister? {
        registers.first { $0.measurand == measurand }
    }
}

/// A value of `MeterReading`, named after its OCPP measurand and phase.
public enum Measurand: String, Sendable, Hashable, CaseIterable, Comparable {
    case energy
    case power
    case currentL1 = "current.l1", currentL2 = "current.l2", currentL3 = "current.l3"
    case voltageL1 = "voltage.l1", voltageL2 = "voltage.l2", voltageL3 = "voltage.l3"
    case frequency

    /// The name in OCPP's MeterValuesSampledData, with the phase.
    public var ocppName: String {
        switch self {
        case .energy: "Energy.Active.Import.Register"
        case .power: "Power.Active.Import"
        case .currentL1: "Current.Import L1"
        case .currentL2: "Current.Import L2"
        case .currentL3: "Current.Import L3"
        case .voltageL1: "Voltage L1-N"
        case .voltageL2: "Voltage L2-N"
        case .voltageL3: "Voltage L3-N"
        case .frequency: "Frequency"
        }
    }

    /// The unit `MeterReading` carries this value in.
    public var readingUnit: String {
        switch self {
        case .energy: "Wh"
        case .power: "W"
        case .currentL1, .currentL2, .currentL3: "A"
        case .voltageL1, .voltageL2, .voltageL3: "V"
        case .frequency: "Hz"
        }
    }

    /// Units a map may state, with their factor to `readingUnit`.
    var acceptedUnits: [String: Double] {
        switch self {
        case .energy: ["Wh": 1, "kWh": 1000, "MWh": 1_000_000]
        case .power: ["W": 1, "kW": 1000]
        case .currentL1, .currentL2, .currentL3: ["A": 1, "mA": 0.001]
        case .voltageL1, .voltageL2, .voltageL3: ["V": 1, "kV": 1000]
        case .frequency: ["Hz": 1]
        }
    }

    /// The largest magnitude taken as a reading, in `readingUnit`: beyond
    /// it a value is a wrong map or a broken meter, not a measurement.
    var plausibleMagnitude: Double {
        switch self {
        case .energy: 1e15 // 1 TWh: far below Int64.max Wh
        case .power: 1e9
        case .currentL1, .currentL2, .currentL3: 1e5
        case .voltageL1, .voltageL2, .voltageL3: 1e6
        case .frequency: 1e4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How the bits of a value sit in its registers.
public enum RegisterType: String, Sendable, Equatable, CaseIterable {
    case float32, uint16, int16, uint32, int32, uint64

    /// Registers (16-bit words) the value spans.
    public var width: Int {
        switch self {
        case .uint16, .int16: 1
        case .float32, .uint32, .int32: 2
        case .uint64: 4
        }
    }
}

/// The order of a multi-register value's words; each word itself is
/// big-endian on the wire, as Modbus has it.
public enum WordOrder: String, Sendable, Equatable, CaseIterable {
    case highFirst = "high-first"
    case lowFirst = "low-first"
}

/// The Modbus read functions a map may use.
public enum ReadFunction: Int, Sendable, Equatable, CaseIterable {
    case holdingRegisters = 3
    case inputRegisters = 4
}

/// One value of a meter.
public struct MeterRegister: Sendable, Equatable {
    public var measurand: Measurand
    public var function: ReadFunction
    /// The protocol address (0-based), as in `0x0048` for SDM630 30073.
    public var address: Int
    public var type: RegisterType
    public var wordOrder: WordOrder
    /// Multiplies the raw number into `unit`.
    public var scale: Double
    /// The unit the scaled number is in, as the map says.
    public var unit: String
    /// `unit` to the reading's unit (kWh → Wh: 1000).
    var unitFactor: Double

    /// The raw number in `words` (exactly `type.width` of them), or nil
    /// for what is no number (NaN, infinities).
    public func raw(_ words: ArraySlice<UInt16>) -> Double? {
        guard words.count == type.width else { return nil }
        var ordered = Array(words)
        if wordOrder == .lowFirst { ordered.reverse() }
        var bits: UInt64 = 0
        for word in ordered { bits = bits << 16 | UInt64(word) }
        let value: Double
        switch type {
        case .float32: value = Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .uint16, .uint32, .uint64: value = Double(bits)
        case .int16: value = Double(Int16(bitPattern: UInt16(truncatingIfNeeded: bits)))
        case .int32: value = Double(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
        }
        return value.isFinite ? value : nil
    }

    /// The value in the reading's unit (`measurand.readingUnit`), or nil
    /// when the words hold no number or one no meter can measure (negative
    /// energy, beyond `plausibleMagnitude`).
    public func value(_ words: ArraySlice<UInt16>) -> Double? {
        guard let raw = raw(words) else { return nil }
        // scale and unitFactor are bounded by the reader, raw by its type:
        // the product is finite, checked anyway.
        let value = raw * scale * unitFactor
        guard value.isFinite, abs(value) <= measurand.plausibleMagnitude else { return nil }
        if measurand == .energy && value < 0 { return nil }
        return value
    }
}

/// Where the serial number is: a number or ASCII text.
public struct SerialRegister: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case number(RegisterType, WordOrder)
        /// `registers` words of ASCII, two characters each, high byte first, NUL padded.
        case ascii(registers: Int)
    }

    public var function: ReadFunction
    public var address: Int
    public var kind: Kind

    public var width: Int {
        switch kind {
        case .number(let type, _): type.width
        case .ascii(let registers): registers
        }
    }

    /// The serial as text, or nil when the words hold none.
    public func text(_ words: ArraySlice<UInt16>) -> String? {
        switch kind {
        case .number(let type, let order):
            let register = MeterRegister(
                measurand: .energy, function: function, address: address, type: type, wordOrder: order,
                scale: 1, unit: "Wh", unitFactor: 1)
            guard let value = register.raw(words), value >= 0, value < 1.8e19 else { return nil }
            return String(UInt64(value))
        case .ascii:
            let text = asciiText(words)
            return text.isEmpty ? nil : text
        }
    }
}

/// The holding registers of a meter that signs its readings (OCMF); the
/// flow is in `board/meters/README.md`.
public struct OCMFBlock: Sendable, Equatable {
    /// The identification (idTag) text, written before a Begin.
    public var identification: Int
    public var identificationRegisters: Int
    public var command: Int
    public var status: Int
    public var length: Int
    public var data: Int
    public var dataMaximumBytes: Int
    public var publicKeyLength: Int
    public var publicKey: Int
    public var publicKeyMaximumBytes: Int
    /// How long the meter may take to sign, in ms, and how often its
    /// status is asked meanwhile.
    public var signingTimeoutMilliseconds: Int
    public var statusIntervalMilliseconds: Int
}

/// Printable ASCII from registers holding two characters each, high byte
/// first; stops at the first NUL, anything unprintable becomes "?".
func asciiText(_ words: ArraySlice<UInt16>) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(words.count * 2)
    loop: for word in words {
        for byte in [UInt8(word >> 8), UInt8(word & 0xFF)] {
            if byte == 0 { break loop }
            bytes.append((0x20...0x7E).contains(byte) ? byte : UInt8(ascii: "?"))
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// `text` as registers of two ASCII characters each, NUL padded to `count`.
func asciiRegisters(_ text: String, count: Int) -> [UInt16] {
    var bytes = Array(text.utf8.prefix(count * 2))
    if bytes.count % 2 == 1 { bytes.append(0) }
    var words = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    words += Array(repeating: 0, count: count - words.count)
    return words
}
