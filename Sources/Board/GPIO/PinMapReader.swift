#if canImport(Glibc)
import Glibc
#endif

extension PinMap {
    /// Reads and checks the pin map at `path`. With `simulatedConnectors`
    /// the map serves a simulated board: only its `[meter.N]` (and
    /// `[limit]`) sections are used, and `[board]` and `[connector.N]` may
    /// be left out.
    public static func load(path: String, simulatedConnectors: Int? = nil) throws(PinMapError) -> PinMap {
        guard let text = readTextFile(path) else {
            throw PinMapError(file: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        return try PinMap(parsing: text, file: path, simulatedConnectors: simulatedConnectors)
    }

    /// Reads and checks a pin map's text; `file` is used in messages and to
    /// find the meters' register maps beside it.
    public init(parsing text: String, file: String, simulatedConnectors: Int? = nil) throws(PinMapError) {
        let document = try FlatTOML(parsing: text, file: file)
        var reader = PinMapReader(file: file, simulatedConnectors: simulatedConnectors)
        self = try reader.read(document)
    }
}

/// Turns the flat document into a `PinMap`, refusing anything a
/// technician could have got wrong.
private struct PinMapReader {
    let file: String
    private var chips: [String: String] = [:]
    private var boardName: String?
    private var connectors: [Int: (pins: ConnectorPins, line: Int)] = [:]
    private var readers: [(pins: ReaderPins, section: String, line: Int)] = []
    private var tamper: LineSpec?
    private var limit: ExternalLimitPins?
    private let simulatedConnectors: Int?

    init(file: String, simulatedConnectors: Int?) {
        self.file = file
        self.simulatedConnectors = simulatedConnectors
    }

    mutating func read(_ document: FlatTOML) throws(PinMapError) -> PinMap {
        let sections = document.sections
        for section in sections {
            switch section.name {
            case "board", "chips", "reader", "limit": continue
            case let name where name.hasPrefix("connector.") || name.hasPrefix("reader.") || name.hasPrefix("meter."): continue
            default:
                throw PinMapError(
                    file: file, line: section.line, key: section.name.isEmpty ? nil : section.name,
                    reason: section.name.isEmpty
                        ? "keys must sit in a section such as [board]"
                        : "unknown section: use [board], [chips], [connector.N], [reader], [meter.N] or [limit]")
            }
        }
        if let simulatedConnectors {
            if let section = sections.first(where: { $0.name == "limit" }) { try readLimit(section) }
            var map = PinMap(file: file, boardName: "simulated", chips: [:], connectors: [], readers: [], limit: limit)
            map.meters = try readMeters(sections, connectors: simulatedConnectors)
            return map
        }
        guard let board = sections.first(where: { $0.name == "board" }) else {
            throw PinMapError(file: file, key: "board", reason: "the [board] section with the GPIO chip is missing")
        }
        // The other chips first: the board's own tamper line may sit on one of them.
        if let extra = sections.first(where: { $0.name == "chips" }) { try readChips(extra) }
        try readBoard(board)
        for section in sections {
            if section.name.hasPrefix("connector.") { try readConnector(section) }
            if section.name == "reader" || section.name.hasPrefix("reader.") { try readReader(section) }
        }
        if let section = sections.first(where: { $0.name == "limit" }) { try readLimit(section) }
        var map = PinMap(
            file: file, boardName: boardName ?? file, chips: chips,
            connectors: try orderedConnectors(), readers: readers.map(\.pins), tamper: tamper, limit: limit)
        map.meters = try readMeters(sections, connectors: map.connectors.count)
        try checkReaders()
        try checkNoLineUsedTwice(map.lines)
        return map
    }

    private mutating func readBoard(_ section: FlatTOML.Section) throws(PinMapError) {
        var keys = SectionKeys(section, file: file)
        boardName = try keys.string("name")
        guard let chip = try keys.string("chip") else {
            throw keys.error("chip", "is required: the GPIO chip's name, label or path", line: section.line)
        }
        chips["main"] = chip
        tamper = try line("tamper", &keys)
        try keys.refuseUnread()
    }

    /// `[limit]`: the contact line and the power it imposes. Without a
    /// contact the section still gives the power of a simulated board's contact.
    private mutating func readLimit(_ section: FlatTOML.Section) throws(PinMapError) {
        var keys = SectionKeys(section, file: file)
        let contact = try line("contact", &keys)
        let power = try keys.integer("contact_power_w", in: 0...1_000_000) ?? ExternalLimitPins.defaultPowerWatts
        let energyManager = try readEnergyManager(&keys)
        try keys.refuseUnread()
        limit = ExternalLimitPins(contact: contact, powerWatts: power)
        limit?.energyManager = energyManager
    }

    /// `energy_manager = "address:port"` and its `_unit` and `_timeout_s`.
    private func readEnergyManager(_ keys: inout SectionKeys) throws(PinMapError) -> EnergyManagerSettings? {
        guard let text = try keys.string("energy_manager") else {
            for companion in ["_unit", "_timeout_s"] where keys.has("energy_manager" + companion) {
                throw keys.error("energy_manager" + companion, "is set but energy_manager is not")
            }
            return nil
        }
        guard let (address, port) = EnergyManagerSettings.parse(listen: text) else {
            throw keys.error(
                "energy_manager",
                "\"\(text)\" is not an IPv4 address and a port from 1 to 65535, as in \"127.0.0.1:1502\"")
        }
        var settings = EnergyManagerSettings(address: address, port: port)
        settings.unit = try keys.integer("energy_manager_unit", in: 1...247) ?? 1
        settings.timeoutSeconds = try keys.integer("energy_manager_timeout_s", in: 0...86_400) ?? 0
        return settings
    }

    private mutating func readChips(_ section: FlatTOML.Section) throws(PinMapError) {
        var keys = SectionKeys(section, file: file)
        for entry in section.entries {
            guard entry.key != "main" else {
                throw keys.error("main", "is the [board] chip; give other chips other names", line: entry.line)
            }
            chips[entry.key] = try keys.string(entry.key)
        }
    }

    private mutating func readConnector(_ section: FlatTOML.Section) throws(PinMapError) {
        let suffix = section.name.dropFirst("connector.".count)
        guard let number = Int(suffix), number >= 1, number <= 64, String(number) == suffix else {
            throw PinMapError(file: file, line: section.line, key: section.name,
                              reason: "connectors are numbered 1, 2, … as in [connector.1]")
        }
        var keys = SectionKeys(section, file: file)
        guard let relay = try line("relay", &keys), let plug = try line("plug", &keys) else {
            let missing = keys.has("relay") ? "plug" : "relay"
            throw keys.error(missing, "is required: every connector has a \(missing) line", line: section.line)
        }
        var pins = ConnectorPins(number: number, relay: relay, plug: plug)
        pins.relayFeedback = try line("relay_feedback", &keys)
        pins.meter = try line("meter", &keys)
        pins.readyLight = try line("ready_light", &keys)
        pins.chargingLight = try line("charging_light", &keys)
        pins.faultLight = try line("fault_light", &keys)
        pins.buzzer = try line("buzzer", &keys)
        pins.feedbackTimeoutMilliseconds = try keys.integer("relay_feedback_timeout_ms", in: 1...60_000) ?? 500
        pins.feedbackDebounceMilliseconds = try keys.integer("relay_feedback_debounce_ms", in: 0...10_000) ?? 20
        pins.plugDebounceMilliseconds = try keys.integer("plug_debounce_ms", in: 0...10_000) ?? 50
        pins.meterImpulsesPerKilowattHour = try keys.integer("meter_impulses_per_kwh", in: 1...100_000) ?? 1000
        pins.meterMinimumIntervalMilliseconds = try keys.integer("meter_min_interval_ms", in: 0...10_000) ?? 20
        try keys.refuseUnread()
        connectors[number] = (pins, section.line)
    }

    private mutating func readReader(_ section: FlatTOML.Section) throws(PinMapError) {
        var keys = SectionKeys(section, file: file)
        guard let data0 = try line("d0", &keys), let data1 = try line("d1", &keys) else {
            let missing = keys.has("d0") ? "d1" : "d0"
            throw keys.error(missing, "is required: a Wiegand reader has a D0 and a D1 line", line: section.line)
        }
        let connector = try keys.integer("connector", in: 0...64) ?? 0
        var pins = ReaderPins(connector: connector == 0 ? nil : connector, data0: data0, data1: data1)
        if let format = try keys.string("id_format") {
            guard let known = IdTagFormat(rawValue: format) else {
                let names = IdTagFormat.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw keys.error("id_format", "must be one of \(names)")
            }
            pins.idTagFormat = known
        }
        if let frames = try keys.string("frames") {
            pins.frameBits = try frameBits(frames, keys: keys, facilityCard: pins.idTagFormat == .facilityCard)
        } else if pins.idTagFormat == .facilityCard {
            pins.frameBits = [26, 34]
        }
        pins.frameGapMilliseconds = try keys.integer("frame_gap_ms", in: 2...1000) ?? 25
        pins.bitGapMilliseconds = try keys.integer("bit_gap_ms", in: 1...(pins.frameGapMilliseconds - 1))
            ?? min(10, pins.frameGapMilliseconds - 1)
        try keys.refuseUnread()
        readers.append((pins, section.name, section.line))
    }

    private func frameBits(_ text: String, keys: SectionKeys, facilityCard: Bool) throws(PinMapError) -> [Int] {
        var bits: [Int] = []
        for part in text.split(separator: ",") {
            guard let count = Int(part.trimmingWhitespace), (4...64).contains(count), !bits.contains(count) else {
                throw keys.error("frames", "lists bit counts from 4 to 64 once each, as in \"26,34\"")
            }
            if facilityCard && !WiegandDecoder.parityFrames.keys.contains(count) {
                throw keys.error("frames", "a raw \(count)-bit frame has no facility code; use id_format \"hex\" or \"decimal\"")
            }
            bits.append(count)
        }
        guard !bits.isEmpty else { throw keys.error("frames", "names no frame length") }
        return bits
    }

    /// A line key and its `_chip`, `_active_low` and `_bias` companions.
    private func line(_ name: String, _ keys: inout SectionKeys) throws(PinMapError) -> LineSpec? {
        guard let offset = try keys.integer(name, in: 0...65_535) else {
            for companion in ["_chip", "_active_low", "_bias"] where keys.has(name + companion) {
                throw keys.error(name + companion, "is set but \(name) is not")
            }
            return nil
        }
        var spec = LineSpec(key: keys.dotted(name), offset: offset)
        if let chip = try keys.string(name + "_chip") {
            guard chips[chip] != nil else {
                let known = chips.keys.sorted().joined(separator: ", ")
                throw keys.error(name + "_chip", "unknown chip '\(chip)': declare it under [chips] (known: \(known))")
            }
            spec.chip = chip
        }
        spec.activeLow = try keys.boolean(name + "_active_low") ?? false
        if let bias = try keys.string(name + "_bias") {
            guard let known = Bias(rawValue: bias) else {
                let names = Bias.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw keys.error(name + "_bias", "must be one of \(names)")
            }
            spec.bias = known
        }
        return spec
    }

    /// `[meter.N]` sections; a connector metered by S0 pulses has none.
    private func readMeters(_ sections: [FlatTOML.Section], connectors count: Int) throws(PinMapError) -> [MeterSettings] {
        var pulseMetered: Set<Int> = []
        for (number, entry) in connectors where entry.pins.meter != nil { pulseMetered.insert(number) }
        return try MeterSectionReader(file: file, connectorCount: count, pulseMetered: pulseMetered).read(sections)
    }

    private func orderedConnectors() throws(PinMapError) -> [ConnectorPins] {
        guard !connectors.isEmpty else {
            throw PinMapError(file: file, key: "connector.1", reason: "a charger needs at least [connector.1]")
        }
        for number in 1...connectors.count where connectors[number] == nil {
            throw PinMapError(file: file, key: "connector.\(number)",
                              reason: "is missing: connectors are numbered 1 to \(connectors.count) without gaps")
        }
        return (1...connectors.count).compactMap { connectors[$0]?.pins }
    }

    private func checkReaders() throws(PinMapError) {
        for reader in readers {
            if let connector = reader.pins.connector, connectors[connector] == nil {
                throw PinMapError(file: file, line: reader.line, key: reader.section + ".connector",
                                  reason: "there is no [connector.\(connector)]; use 0 for a shared reader")
            }
        }
    }

    /// Two keys on one line would have the board fight itself. Chips are
    /// compared by what they name, so two names for one chip are caught.
    private func checkNoLineUsedTwice(_ lines: [PinMap.Line]) throws(PinMapError) {
        var owners: [String: String] = [:]
        for line in lines {
            let place = "\(chips[line.spec.chip] ?? line.spec.chip) line \(line.spec.offset)"
            if let owner = owners[place] {
                throw PinMapError(file: file, key: line.spec.key, reason: "\(place) is already used by \(owner)")
            }
            owners[place] = line.spec.key
        }
    }
}

/// The keys of one section, read by type; whatever is left unread at the
/// end is a typo or a key this version does not know, and is refused.
/// Pin maps and meter register maps read their sections with it.
struct SectionKeys {
    let section: FlatTOML.Section
    let file: String
    private var unread: Set<String>

    init(_ section: FlatTOML.Section, file: String) {
        self.section = section
        self.file = file
        unread = Set(section.entries.map(\.key))
    }

    func dotted(_ key: String) -> String { section.name + "." + key }
    func has(_ key: String) -> Bool { section.entries.contains { $0.key == key } }

    func error(_ key: String, _ reason: String, line: Int? = nil) -> PinMapError {
        let at = line ?? section.entries.first { $0.key == key }?.line
        return PinMapError(file: file, line: at, key: dotted(key), reason: reason)
    }

    private mutating func take(_ key: String) -> FlatTOML.Value? {
        unread.remove(key)
        return section.entries.first { $0.key == key }?.value
    }

    mutating func string(_ key: String) throws(PinMapError) -> String? {
        switch take(key) {
        case nil: return nil
        case .string(let text)?: return text
        case let other?: throw error(key, "must be a \"quoted string\", not \(other.typeName)")
        }
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(PinMapError) -> Int? {
        switch take(key) {
        case nil: return nil
        case .integer(let number)? where range.contains(number): return number
        case .integer(let number)?: throw error(key, "\(number) is outside \(range.lowerBound)…\(range.upperBound)")
        case let other?: throw error(key, "must be a whole number, not \(other.typeName)")
        }
    }

    /// A whole number or a decimal fraction within `range`.
    mutating func number(_ key: String, in range: ClosedRange<Double>) throws(PinMapError) -> Double? {
        let value: Double
        switch take(key) {
        case nil: return nil
        case .integer(let number)?: value = Double(number)
        case .decimal(let number)?: value = number
        case let other?: throw error(key, "must be a number, not \(other.typeName)")
        }
        guard range.contains(value) else { throw error(key, "\(value) is outside \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    /// A string that must be one of `choices`' raw values.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _: Choice.Type) throws(PinMapError) -> Choice?
    where Choice.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let known = Choice(rawValue: text) else {
            let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw error(key, "must be one of \(names)")
        }
        return known
    }

    mutating func boolean(_ key: String) throws(PinMapError) -> Bool? {
        switch take(key) {
        case nil: return nil
        case .boolean(let flag)?: return flag
        case let other?: throw error(key, "must be true or false, not \(other.typeName)")
        }
    }

    func refuseUnread() throws(PinMapError) {
        if let key = section.entries.map(\.key).first(where: unread.contains) {
            throw error(key, "unknown key in [\(section.name)]")
        }
    }
}

/// The whole file as UTF-8 text, or nil with `errno` set.
func readTextFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 { if errno == EINTR { continue } else { return nil } }
        if count == 0 { break }
        bytes += chunk[0..<count]
        guard bytes.count <= 1 << 20 else { errno = EFBIG; return nil }
    }
    return String(decoding: bytes, as: UTF8.self)
}
