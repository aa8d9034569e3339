import CGPIOD
import Testing

@testable import Board

#if canImport(Glibc)
import Glibc
#endif

/// What each pin-map line is asked of the kernel, and how the libgpiod in
/// use (1.x on bookworm, 2.x on trixie) takes it: no GPIO chip needed.
@Suite struct LineSettingsTests {
    static let outputs: [LineRole] = [.relay(1), .readyLight(1), .chargingLight(2), .faultLight(1), .buzzer(3)]
    static let bothEdgeInputs: [LineRole] = [.plug(1), .relayFeedback(2), .tamper, .limitContact]
    static let pulseInputs: [LineRole] = [.meter(1), .wiegandData0(0), .wiegandData1(1)]

    @Test(arguments: outputs, [false, true])
    func outputsStartAtTheirLevelAndWatchNothing(role: LineRole, initialLevel: Bool) {
        for activeLow in [false, true] {
            for bias in Bias.allCases {
                let spec = LineSpec(key: "k", offset: 3, activeLow: activeLow, bias: bias)
                let settings = LineSettings(role: role, spec: spec, initialLevel: initialLevel)
                #expect(settings == LineSettings(
                    direction: .output, edges: .none, bias: .asIs, activeLow: activeLow,
                    debounceMicroseconds: 0, outputActive: initialLevel))
            }
        }
    }

    @Test(arguments: bothEdgeInputs + pulseInputs)
    func inputsKeepTheirWiringAndWatchEdges(role: LineRole) {
        let edges: LineSettings.Edges = Self.pulseInputs.contains(role) ? .rising : .both
        for activeLow in [false, true] {
            for bias in Bias.allCases {
                let spec = LineSpec(key: "k", offset: 3, activeLow: activeLow, bias: bias)
                // An input has no level of its own to start at.
                let settings = LineSettings(role: role, spec: spec, initialLevel: true)
                #expect(settings == LineSettings(
                    direction: .input, edges: edges, bias: bias, activeLow: activeLow,
                    debounceMicroseconds: 0, outputActive: false))
            }
        }
    }

    @Test func simulatorMapLinesAsRequested() throws {
        let map = try PinMap.load(path: ShippedPinMapTests.folder + "sim.toml")
        let settings = Dictionary(uniqueKeysWithValues: map.lines.map {
            ($0.spec.key, LineSettings(role: $0.role, spec: $0.spec).description)
        })
        #expect(settings == [
            "connector.1.relay": "output, starts inactive",
            "connector.1.relay_feedback": "input, edges both, bias pull-up, active-low",
            "connector.1.plug": "input, edges both, bias pull-up, active-low",
            "connector.1.meter": "input, edges rising, bias pull-up, active-low",
            "connector.1.ready_light": "output, starts inactive",
            "connector.1.charging_light": "output, starts inactive",
            "connector.1.fault_light": "output, starts inactive",
            "connector.1.buzzer": "output, starts inactive",
            "reader.d0": "input, edges rising, bias pull-up, active-low",
            "reader.d1": "input, edges rising, bias pull-up, active-low",
            "limit.contact": "input, edges both, bias pull-up, active-low",
        ])
    }

    /// Every combination a line can be asked for.
    static let everySetting: [LineSettings] = {
        var all: [LineSettings] = []
        for activeLow in [false, true] {
            for outputActive in [false, true] {
                all.append(LineSettings(direction: .output, edges: .none, bias: .asIs,
                                        activeLow: activeLow, outputActive: outputActive))
            }
            for edges in [LineSettings.Edges.none, .rising, .both] {
                for bias in Bias.allCases {
                    all.append(LineSettings(direction: .input, edges: edges, bias: bias, activeLow: activeLow))
                }
            }
        }
        return all
    }()

    @Test(arguments: everySetting)
    func cFormRoundTrips(settings: LineSettings) {
        #expect(LineSettings(settings.cValue) == settings)
    }

    /// The translation into libgpiod's own form (1.x: request type, flags
    /// and default value; 2.x: a gpiod_line_settings read back through its
    /// getters, with push-pull drive and the monotonic clock) loses nothing.
    @Test(arguments: everySetting)
    func libgpiodTakesTheSettingsAsGiven(settings: LineSettings) {
        #expect(settings.asApplied() == .success(settings))
    }

    @Test func outputsLeaveTheirBiasAsItIs() {
        let asked = LineSettings(direction: .output, edges: .both, bias: .pullUp, activeLow: false, outputActive: true)
        var expected = asked
        expected.edges = .none
        expected.bias = .asIs
        #expect(asked.asApplied() == .success(expected))
    }

    @Test func debounceIsAFeatureOfLibgpiod2Only() {
        let asked = LineSettings(direction: .input, edges: .both, bias: .pullUp, activeLow: true,
                                 debounceMicroseconds: 5_000)
        if Libgpiod.api == 1 {
            #expect(asked.asApplied() == .failure(LibgpiodRefusal(errno: EOPNOTSUPP)))
        } else {
            #expect(asked.asApplied() == .success(asked))
        }
    }

    @Test func theLibraryLoadedIsTheOneTheHeaderDescribed() {
        let major = Libgpiod.version.split(separator: ".").first.flatMap { Int($0) }
        #expect(Libgpiod.api == 1 || Libgpiod.api == 2)
        #expect(major == Libgpiod.api, "built for the v\(Libgpiod.api) API, running libgpiod \(Libgpiod.version)")
    }
}
