/// The energy register of an S0 meter: pulses counted into whole Wh.
///
/// The register starts where the caller says it stood (it keeps the value
/// across restarts) and only ever grows. Pulses are kept as a count and
/// converted at once, so meters with a rate that is not a divisor of 1000
/// (800 imp/kWh) lose no fraction along the way.
struct EnergyPulseCounter {
    enum Outcome: Equatable {
        /// Counted, and the register reached a new whole Wh.
        case register(Int64)
        /// Counted, still within the same Wh.
        case counted
        /// Closer to the previous pulse than any S0 meter can send: noise.
        case ignored(sincePrevious: UInt64)
    }

    let impulsesPerKilowattHour: Int64
    let minimumInterval: UInt64
    private let startWattHours: Int64
    private(set) var pulses: Int64 = 0
    private var lastPulse: UInt64?

    init(impulsesPerKilowattHour: Int, minimumInterval: UInt64, startWattHours: Int64) {
        self.impulsesPerKilowattHour = Int64(max(1, impulsesPerKilowattHour))
        self.minimumInterval = minimumInterval
        self.startWattHours = max(0, startWattHours)
    }

    var wattHours: Int64 { startWattHours + pulses * 1000 / impulsesPerKilowattHour }

    mutating func pulse(at time: UInt64) -> Outcome {
        if let lastPulse, time >= lastPulse, time - lastPulse < minimumInterval {
            return .ignored(sincePrevious: time - lastPulse)
        }
        lastPulse = time
        let before = wattHours
        pulses += 1
        return wattHours > before ? .register(wattHours) : .counted
    }
}
