/// One connector's Modbus meter as the poller last saw it, for
/// `chargeplex status`: where it is, who it is, what it read last and
/// what its polling met.
public struct MeterStatus: Sendable {
    public var settings: MeterSettings
    /// The serial number read after the last (re)connection; nil before
    /// the meter first answered, or for a meter without one.
    public var serial: String?
    public var lastReading: MeterReading?
    /// How long ago the last reading was taken, in ms; nil without one.
    public var lastReadingAgeMilliseconds: Int?
    public var counters: MeterCounters
    /// Whether the connector has PowerMeterFailure now.
    public var powerMeterFailure: Bool

    public var signs: Bool { settings.map.ocmf != nil }
}

extension MeterSettings {
    /// "modbus-tcp 127.0.0.1:502 unit 1" or "modbus-rtu /dev/ttyUSB0 9600 8N1 unit 1".
    public var address: String { "modbus-\(transport) unit \(unit)" }

    /// The register map's name: its file name without `.toml`.
    public var mapName: String {
        let file = map.file.split(separator: "/").last.map(String.init) ?? map.file
        return file.hasSuffix(".toml") ? String(file.dropLast(5)) : file
    }

    /// "meter 1: modbus-tcp 127.0.0.1:502 unit 1, map eastron-sdm630, serial 23120417, does not sign";
    /// `answered` tells a meter without a serial from one not heard from yet.
    public func identityLine(serial: String?, answered: Bool) -> String {
        let serialText = serial.map { "serial \($0)" } ?? (answered ? "no serial" : "serial unknown (no answer yet)")
        return "meter \(connector): \(address), map \(mapName), \(serialText), "
            + (map.ocmf != nil ? "signs its readings (OCMF)" : "does not sign")
    }
}
