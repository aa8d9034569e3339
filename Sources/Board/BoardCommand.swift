/// Something the charge point asks the hardware to do.
public enum BoardCommand: Sendable, Equatable {
    /// Close (energize) or open the connector's contactor.
    case relay(connector: Int, closed: Bool)
    /// The most current the car may draw, per phase, in A (0: none).
    case currentLimit(connector: Int, amperes: Double)
    /// Tell the driver what happened.
    case indicate(connector: Int?, Indication)
}

/// What the LEDs and buzzer show.
public enum Indication: String, Sendable, Equatable {
    case idle, accepted, rejected, charging, fault
}
