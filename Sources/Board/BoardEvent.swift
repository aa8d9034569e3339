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
