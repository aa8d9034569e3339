#if canImport(Glibc)
import Glibc
#endif

/// Reads the `[meter.N]` sections of a pin map, and the register map each
/// one names.
struct MeterSectionReader {
    let file: String
    let connectorCount: Int
    /// Connectors whose `[connector.N]` has an S0 `meter` line.
    let pulseMetered: Set<Int>

    enum Backend: String, CaseIterable {
        case rtu = "modbus-rtu"
        case tcp = "modbus-tcp"
        case s0
    }

    func read(_ sections: [FlatTOML.Section]) throws(PinMapError) -> [MeterSettings] {
        var meters: [MeterSettings] = []
        for section in sections where section.name.hasPrefix("meter.") {
            meters.append(try read(section))
        }
        return meters.sorted { $0.connector < $1.connector }
    }

    private func read(_ section: FlatTOML.Section) throws(PinMapError) -> MeterSettings {
        let suffix = section.name.dropFirst("meter.".count)
        guard let number = Int(suffix), number >= 1, String(number) == suffix else {
            throw PinMapError(file: file, line: section.line, key: section.name,
                              reason: "meters are numbered after their connector, as in [meter.1]")
        }
        guard number <= connectorCount else {
            throw PinMapError(file: file, line: section.line, key: section.name,
                              reason: "there is no connector \(number): this board has \(connectorCount)")
        }
        guard !pulseMetered.contains(number) else {
            throw PinMapError(file: file, line: section.line, key: section.name,
                              reason: "connector \(number) already has an S0 meter (connector.\(number).meter): keep one of the two")
        }
        var keys = SectionKeys(section, file: file)
        guard let backend = try keys.choice("backend", Backend.self) else {
            throw keys.error("backend", "is required: \"modbus-rtu\" or \"modbus-tcp\"", line: section.line)
        }
        let transport: MeterSettings.Transport
        switch backend {
        case .s0:
            throw keys.error("backend", "an S0 meter is a line: set meter = <line> in [connector.\(number)] instead")
        case .rtu:
            guard let device = try keys.string("device"), !device.isEmpty else {
                throw keys.error("device", "is required for modbus-rtu: the serial device, e.g. \"/dev/ttyUSB0\"", line: section.line)
            }
            let baud = try keys.integer("baud", in: 1...4_000_000) ?? 9600
            guard MeterSettings.standardBaudRates.contains(baud) else {
                let rates = MeterSettings.standardBaudRates.map(String.init).joined(separator: ", ")
                throw keys.error("baud", "\(baud) is not a standard rate: use one of \(rates)")
            }
            let parity = try keys.choice("parity", MeterSettings.Parity.self) ?? .none
            let stopBits = try keys.integer("stop_bits", in: 1...2) ?? 1
            for key in ["host", "port"] where keys.has(key) {
                throw keys.error(key, "belongs to modbus-tcp, not modbus-rtu")
            }
            transport = .rtu(device: device, baud: baud, parity: parity, stopBits: stopBits)
        case .tcp:
            guard let host = try keys.string("host"), !host.isEmpty else {
                throw keys.error("host", "is required for modbus-tcp: the meter's or gateway's address", line: section.line)
            }
            let port = try keys.integer("port", in: 1...65_535) ?? 502
            for key in ["device", "baud", "parity", "stop_bits"] where keys.has(key) {
                throw keys.error(key, "belongs to modbus-rtu, not modbus-tcp")
            }
            transport = .tcp(host: host, port: port)
        }
        let unit = try keys.integer("unit", in: 1...247) ?? 1
        guard let mapName = try keys.string("map"), !mapName.isEmpty else {
            throw keys.error("map", "is required: a register map such as \"eastron-sdm630\"", line: section.line)
        }
        let mapLine = section.entries.first { $0.key == "map" }?.line
        let mapPath = RegisterMap.path(for: mapName, besidePinMap: file)
        // A missing map is the pin map's fault (said at its line); a broken
        // one is the register map's (said at the map's own line).
        guard access(mapPath, R_OK) == 0 else {
            throw PinMapError(file: file, line: mapLine, key: keys.dotted("map"),
                              reason: "register map \(mapPath) not found (\(String(cString: strerror(errno))))")
        }
        let map = try RegisterMap.load(path: mapPath)
        var settings = MeterSettings(connector: number, transport: transport, unit: unit, map: map)
        settings.pollMilliseconds = try keys.integer("poll_ms", in: 200...60_000) ?? 1000
        settings.timeoutMilliseconds = try keys.integer("timeout_ms", in: 50...10_000) ?? 500
        settings.retries = try keys.integer("retries", in: 0...5) ?? 2
        settings.failuresBeforeFault = try keys.integer("failures_before_fault", in: 1...100) ?? 3
        try keys.refuseUnread()
        return settings
    }
}
