/// What the connector's lights and buzzer do for an `Indication`.
///
/// A board without a given light simply shows less; the buzzer gives short
/// acknowledgements only, so the lights carry the state.
struct IndicationPattern: Equatable {
    var ready: Bool
    var charging: Bool
    var fault: Bool
    /// How long the buzzer sounds, in ms (0: silent).
    var beepMilliseconds: Int

    init(_ indication: Indication) {
        switch indication {
        case .idle: self = IndicationPattern(ready: true, charging: false, fault: false, beep: 0)
        case .accepted: self = IndicationPattern(ready: true, charging: true, fault: false, beep: 100)
        case .rejected: self = IndicationPattern(ready: false, charging: false, fault: true, beep: 600)
        case .charging: self = IndicationPattern(ready: false, charging: true, fault: false, beep: 0)
        case .fault: self = IndicationPattern(ready: false, charging: false, fault: true, beep: 0)
        }
    }

    private init(ready: Bool, charging: Bool, fault: Bool, beep: Int) {
        self.ready = ready
        self.charging = charging
        self.fault = fault
        beepMilliseconds = beep
    }
}
