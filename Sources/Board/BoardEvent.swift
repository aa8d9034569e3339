/// Something the charger's hardware reports.
public enum BoardEvent: Sendable, Equatable {
    /// A card was presented to the reader of `connector` (nil: a shared reader).
    case cardRead(connector: Int?, idTag: String)
    /// A cable was plugged in or pulled out.
    case plug(connector: Int, connected: Bool)
    /// The contactor's auxiliary contact says the relay is closed or open.
    case relayFeedback(connector: Int, closed: Bool)
    /// The energy register of the connector's meter, in Wh. Never decreases.
    case energy(connector: Int, wattHours: Int64)
    /// The car is drawing current or has stopped drawing (SuspendedEV).
    case evDrawing(connector: Int, drawing: Bool)
    /// A hardware fault appeared or cleared.
    case fault(connector: Int, fault: BoardFault, active: Bool)
    /// The enclosure's tamper switch went active (opened) or back.
    case tamper(active: Bool)
    /// A reading of the connector's Modbus meter (`[meter.N]` in the pin
    /// map), as the meter gave it: its energy register is the meter's own
    /// and may go backwards when the meter is reset or swapped, which the
    /// charge point detects. Sent once per poll cycle.
    case meterReading(connector: Int, reading: MeterReading)
    /// An external power limit (a grid operator's control contact, a local
    /// energy manager) began (`watts`), changed, or ended (nil). Each source
    /// is one more party in the lowest-of-all merge.
    case externalLimit(source: ExternalLimitSource, watts: Double?)
    /// The answer to `Board.probe(number)`: the board's event path runs.
    case alive(probe: UInt64)
}

/// Hardware faults, named after the OCPP error codes they become.
public enum BoardFault: String, Sendable, CaseIterable {
    /// The relay did not follow its command, or is welded shut.
    case powerSwitchFailure = "PowerSwitchFailure"
    case groundFailure = "GroundFailure"
    case overCurrentFailure = "OverCurrentFailure"
    case highTemperature = "HighTemperature"
    case powerMeterFailure = "PowerMeterFailure"
    case readerFailure = "ReaderFailure"
    case emergencyStop = "EmergencyStop"
}

/// What a Modbus meter reports in one poll cycle; nil for what its
/// register map does not offer or what could not be read.
public struct MeterReading: Sendable, Equatable {
    /// Energy.Active.Import.Register in Wh, as the meter counts it.
    public var energyWattHours: Int64?
    /// Power.Active.Import, all phases together, in W.
    public var powerWatts: Double?
    /// Current.Import per phase L1, L2, L3, in A.
    public var currentAmperes: [Double?]
    /// Voltage per phase L1-N, L2-N, L3-N, in V.
    public var voltageVolts: [Double?]
    /// Frequency in Hz.
    public var frequencyHertz: Double?
    /// The meter's serial number when its map has one: a new serial is a
    /// swapped meter.
    public var serial: String?

    public init(
        energyWattHours: Int64? = nil, powerWatts: Double? = nil, currentAmperes: [Double?] = [],
        voltageVolts: [Double?] = [], frequencyHertz: Double? = nil, serial: String? = nil
    ) {
        self.energyWattHours = energyWattHours
        self.powerWatts = powerWatts
        self.currentAmperes = currentAmperes
        self.voltageVolts = voltageVolts
        self.frequencyHertz = frequencyHertz
        self.serial = serial
    }
}

/// Where an external power limit comes from.
public enum ExternalLimitSource: String, Sendable, Hashable, CaseIterable {
    /// A control contact on a GPIO input (`[limit]` in the pin map).
    case contact
    /// A holding register written by a local energy manager over Modbus/TCP.
    case energyManager = "energy-manager"
}
