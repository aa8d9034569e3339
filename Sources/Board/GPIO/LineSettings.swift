import CGPIOD
#if canImport(Glibc)
import Glibc
#endif

/// How one pin-map line is asked of the kernel: direction, edges, bias,
/// active level, debounce and an output's first level. The same facts for
/// either libgpiod: 1.x turns them into a request type and flags, 2.x into
/// a `gpiod_line_settings` (Sources/CGPIOD); neither decides anything.
struct LineSettings: Sendable, Equatable, CustomStringConvertible {
    enum Direction: Sendable, Equatable { case input, output }

    /// Which edges of an input the kernel queues, with their timestamps.
    enum Edges: Sendable, Equatable { case none, rising, both }

    var direction: Direction
    var edges: Edges
    /// The SoC's pull resistor; outputs leave it as it is.
    var bias: Bias
    /// The electrically low level is "active" (closed, plugged, pulse).
    var activeLow: Bool
    /// The kernel's debounce filter, in µs: always 0. The board filters
    /// contact bounce itself on the kernel's edge timestamps (`Debouncer`,
    /// the relay supervisor, the meter's shortest interval); a kernel
    /// filter would stamp edges at the end of its period, and 1.x has none.
    var debounceMicroseconds: UInt
    /// An output's level from the moment of the request, so that a relay
    /// never passes through "on"; false for inputs.
    var outputActive: Bool

    init(direction: Direction, edges: Edges, bias: Bias, activeLow: Bool,
         debounceMicroseconds: UInt = 0, outputActive: Bool = false) {
        self.direction = direction
        self.edges = edges
        self.bias = bias
        self.activeLow = activeLow
        self.debounceMicroseconds = debounceMicroseconds
        self.outputActive = outputActive
    }

    /// The settings for a line of the pin map. Outputs start at
    /// `initialLevel` and watch no edges; inputs whose pulse start is all
    /// that matters (S0, Wiegand) watch rising edges only, the others both.
    init(role: LineRole, spec: LineSpec, initialLevel: Bool = false) {
        if role.isOutput {
            self.init(direction: .output, edges: .none, bias: .asIs, activeLow: spec.activeLow,
                      outputActive: initialLevel)
        } else {
            self.init(direction: .input, edges: role.watchesPulseStartsOnly ? .rising : .both,
                      bias: spec.bias, activeLow: spec.activeLow)
        }
    }

    var description: String {
        var text = direction == .output ? "output, starts \(outputActive ? "active" : "inactive")" : "input, edges \(edges)"
        if direction == .input { text += ", bias \(bias.rawValue)" }
        if activeLow { text += ", active-low" }
        if debounceMicroseconds > 0 { text += ", debounce \(debounceMicroseconds) µs" }
        return text
    }

    // MARK: The C form

    var cValue: cgpiod_line_settings {
        var value = cgpiod_line_settings()
        value.output = direction == .output
        value.active_low = activeLow
        value.output_active = outputActive
        value.edges = switch edges {
        case .none: CGPIOD_EDGES_NONE
        case .rising: CGPIOD_EDGES_RISING
        case .both: CGPIOD_EDGES_BOTH
        }
        value.bias = switch bias {
        case .asIs: CGPIOD_BIAS_AS_IS
        case .disabled: CGPIOD_BIAS_DISABLED
        case .pullUp: CGPIOD_BIAS_PULL_UP
        case .pullDown: CGPIOD_BIAS_PULL_DOWN
        }
        value.debounce_us = debounceMicroseconds
        return value
    }

    init?(_ value: cgpiod_line_settings) {
        let edges: Edges
        switch value.edges {
        case CGPIOD_EDGES_NONE: edges = .none
        case CGPIOD_EDGES_RISING: edges = .rising
        case CGPIOD_EDGES_BOTH: edges = .both
        default: return nil
        }
        let bias: Bias
        switch value.bias {
        case CGPIOD_BIAS_AS_IS: bias = .asIs
        case CGPIOD_BIAS_DISABLED: bias = .disabled
        case CGPIOD_BIAS_PULL_UP: bias = .pullUp
        case CGPIOD_BIAS_PULL_DOWN: bias = .pullDown
        default: return nil
        }
        self.init(direction: value.output ? .output : .input, edges: edges, bias: bias,
                  activeLow: value.active_low, debounceMicroseconds: value.debounce_us,
                  outputActive: value.output_active)
    }

    /// The settings put into the libgpiod in use's own form, exactly as a
    /// request would put them, and read back from it; the errno when the
    /// library refuses them. Needs no GPIO chip.
    func asApplied() -> Result<LineSettings, LibgpiodRefusal> {
        var wanted = cValue
        var applied = cgpiod_line_settings()
        guard cgpiod_settings_as_applied(&wanted, &applied) == 0 else { return .failure(LibgpiodRefusal(errno: errno)) }
        guard let settings = LineSettings(applied) else { return .failure(LibgpiodRefusal(errno: EPROTO)) }
        return .success(settings)
    }
}

struct LibgpiodRefusal: Error, Equatable {
    var errno: Int32
}
