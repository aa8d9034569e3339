import Testing

@testable import Board

private let ms: UInt64 = 1_000_000

private let withTamper = """
    [board]
    chip = "gpiochip0"
    tamper = 4
    tamper_active_low = true
    tamper_bias = "pull-up"

    [connector.1]
    relay = 17
    plug = 22

    """

/// The enclosure's tamper switch: an optional line of the pin map, debounced, reported as
/// a board event.
@Suite struct TamperLineTests {
    @Test func theTamperLineIsReadWithItsActiveLevel() throws {
        let map = try PinMap(parsing: withTamper, file: "t.toml")
        #expect(map.tamper == LineSpec(key: "board.tamper", offset: 4, activeLow: true, bias: .pullUp))
        #expect(map.lines.contains { $0.role == .tamper && !$0.role.isOutput })
    }

    @Test func aMapWithoutOneHasNone() throws {
        let map = try PinMap(parsing: "[board]\nchip = \"c\"\n[connector.1]\nrelay = 1\nplug = 2\n", file: "t.toml")
        #expect(map.tamper == nil)
        #expect(!map.lines.contains { $0.role == .tamper })
    }

    @Test func aTamperLineSharedWithAConnectorIsRefused() {
        let text = withTamper.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0 == "tamper = 4" ? "tamper = 22" : String($0) }.joined(separator: "\n")
        #expect(throws: PinMapError.self) { try PinMap(parsing: text, file: "t.toml") }
    }

    @Test func theSwitchIsDebouncedAndReportedBothWays() throws {
        var logic = BoardLogic(pinMap: try PinMap(parsing: withTamper, file: "t.toml"), initialWattHours: [:], levels: [:], now: 0)
        #expect(!logic.startOutputs().contains(.event(.tamper(active: true))))
        // A bounce shorter than the debounce is nothing.
        #expect(logic.edge(.init(role: .tamper, level: true, time: 100 * ms), now: 100 * ms).isEmpty)
        #expect(logic.edge(.init(role: .tamper, level: false, time: 110 * ms), now: 110 * ms).isEmpty)
        #expect(logic.poll(now: 200 * ms).isEmpty)
        #expect(logic.edge(.init(role: .tamper, level: true, time: 300 * ms), now: 300 * ms).isEmpty)
        #expect(logic.poll(now: 360 * ms) == [.event(.tamper(active: true))])
        #expect(logic.edge(.init(role: .tamper, level: false, time: 400 * ms), now: 400 * ms).isEmpty)
        #expect(logic.poll(now: 460 * ms) == [.event(.tamper(active: false))])
    }

    @Test func anEnclosureFoundOpenAtStartIsReported() throws {
        let logic = BoardLogic(
            pinMap: try PinMap(parsing: withTamper, file: "t.toml"), initialWattHours: [:], levels: [.tamper: true], now: 0)
        #expect(logic.startOutputs().contains(.event(.tamper(active: true))))
    }

    @Test func theEventHasALineOfText() {
        #expect(BoardEvent.tamper(active: true).line == "tamper active=true")
        #expect(BoardEvent(line: "tamper active=false") == .tamper(active: false))
        #expect(BoardEvent(line: "tamper active=maybe") == nil)
    }
}
