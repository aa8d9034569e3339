/// One complete read of a meter's register map, for `chargeplex meter
/// check`: identity, serial, every value with its unit, the public key of
/// a signing meter, and the counters of the requests it took.
public struct MeterCheck: Sendable {
    public var settings: MeterSettings
    public var serial: String?
    public var publicKey: String?
    /// Every register of the map in the reading's unit; nil for a value
    /// that is no reading (NaN, negative energy…).
    public var values: [(register: MeterRegister, value: Double?)]
    public var counters: MeterCounters
    /// Why the meter could not be read; nil when it answered everything.
    public var failure: String?

    /// Reads `settings`' meter once, with its time-out and retries.
    public static func run(_ settings: MeterSettings) -> MeterCheck {
        let meter = ModbusMeter(settings: settings, bus: ModbusBus(transport: settings.transport))
        defer { meter.bus.disconnect() }
        var check = MeterCheck(settings: settings, values: [], counters: MeterCounters())
        switch meter.poll() {
        case .success(let sample):
            check.values = settings.map.registers.map { ($0, sample.values[$0.measurand] ?? nil) }
        case .failure(let failure):
            check.failure = failure.description
        }
        check.serial = meter.serial
        check.publicKey = meter.publicKey
        check.counters = meter.counters
        return check
    }

    /// What `meter check` prints, one fact a line.
    public var lines: [String] {
        let map = settings.map
        var lines = [
            "meter \(settings.connector): \(map.manufacturer) \(map.model), unit \(settings.unit) on \(settings.transport)"
        ]
        if let failure {
            lines.append("  not read: \(failure)")
        } else {
            lines.append("  serial: \(serial ?? (map.serial == nil ? "(the map has none)" : "(none)"))")
            for (register, value) in values {
                let text = value.map { "\(Self.format($0)) \(register.measurand.readingUnit)" } ?? "no reading (the meter sent no number)"
                let name = register.measurand.ocppName.padding(to: 30)
                lines.append("  \(name) \(text)   [fc \(register.function.rawValue) \(Self.hex(register.address)) \(register.type.rawValue) ×\(Self.format(register.scale)) \(register.unit)]")
            }
            if map.ocmf != nil {
                lines.append("  signs readings (OCMF); public key: \(publicKey ?? "(none)")")
            }
        }
        lines.append("  \(counters.line) cycle=\(counters.lastCycleMicroseconds / 1000)ms")
        return lines
    }

    /// At most three decimals: a float32 register's last digits are noise.
    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }

    static func hex(_ address: Int) -> String {
        let digits = String(address, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
