/// The limit to apply to a connector at one moment: at most `amperes` on
/// each of at most `phases` phases. An `amperes` of 0 means charging is
/// suspended (SuspendedEVSE); it never ends the transaction.
public struct ChargingLimit: Sendable, Equatable {
    public var amperes: Double
    public var phases: Int

    public init(amperes: Double, phases: Int) {
        self.amperes = amperes
        self.phases = phases
    }

    /// True when the limit forbids drawing any current.
    public var suspendsCharging: Bool { amperes <= 0 }

    /// The same limit as a power: W = A × V × phases.
    public func watts(voltage: Double) -> Double {
        amperes * voltage * Double(phases)
    }
}
