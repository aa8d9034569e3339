/// What a meter's polling has met since the agent started: what a field
/// technician reads to tell a loose RS-485 wire from a wrong unit id.
public struct MeterCounters: Sendable, Equatable {
    /// Poll cycles begun, and those that read every register.
    public var cycles = 0
    public var successes = 0
    /// Requests with no answer within `timeout_ms`.
    public var timeouts = 0
    /// Answers with a bad checksum (libmodbus's EMBBADCRC).
    public var crcErrors = 0
    /// Every other failed request: Modbus exceptions, a broken connection,
    /// a device that cannot be opened, answers that make no sense.
    public var otherErrors = 0
    /// Requests sent again after a failure.
    public var retries = 0
    /// Values the meter sent that are no reading (NaN, infinities,
    /// negative energy, beyond what a meter measures): reported as missing.
    public var rejectedValues = 0
    /// Failed cycles in a row now.
    public var consecutiveFailures = 0
    /// How long the last cycle took, in µs.
    public var lastCycleMicroseconds = 0

    public init() {}

    /// "cycles=12 ok=11 timeouts=3 crc=0 errors=0 retries=2 rejected=0".
    public var line: String {
        "cycles=\(cycles) ok=\(successes) timeouts=\(timeouts) crc=\(crcErrors) errors=\(otherErrors)"
            + " retries=\(retries) rejected=\(rejectedValues)"
    }

    mutating func count(_ failure: ModbusFailure) {
        switch failure {
        case .timeout: timeouts += 1
        case .badCRC: crcErrors += 1
        case .exception, .connection, .badData: otherErrors += 1
        }
    }
}
