import Testing

@testable import Board

private let minimal = """
    [board]
    chip = "gpiochip0"

    [connector.1]
    relay = 17
    plug = 22

    """

private func refusal(_ text: String) -> PinMapError? {
    do {
        _ = try PinMap(parsing: text, file: "test.toml")
        return nil
    } catch {
        return error
    }
}

@Suite struct PinMapTests {
    @Test func readsAFullMap() throws {
        let map = try PinMap(parsing: """
            # A comment line.
            [board]
            name = "Test \\"rig\\""   # trailing comment
            chip = "pinctrl-bcm2711"

            [chips]
            expander = "/dev/gpiochip2"

            [connector.1]
            relay = 17
            relay_feedback = 27
            relay_feedback_active_low = true
            relay_feedback_bias = "pull-up"
            relay_feedback_timeout_ms = 1_000
            plug = 22
            plug_chip = "expander"
            meter = 23
            meter_impulses_per_kwh = 800
            buzzer = 19

            [reader]
            connector = 1
            d0 = 24
            d1 = 25
            frames = "26, 34, 37"
            id_format = "decimal"
            frame_gap_ms = 30
            """, file: "rig.toml")
        #expect(map.boardName == "Test \"rig\"")
        #expect(map.chips == ["main": "pinctrl-bcm2711", "expander": "/dev/gpiochip2"])
        let connector = try #require(map.connectors.first)
        #expect(connector.relay == LineSpec(key: "connector.1.relay", offset: 17))
        #expect(connector.relayFeedback == LineSpec(
            key: "connector.1.relay_feedback", offset: 27, activeLow: true, bias: .pullUp))
        #expect(connector.feedbackTimeoutMilliseconds == 1000)
        #expect(connector.plug == LineSpec(key: "connector.1.plug", chip: "expander", offset: 22))
        #expect(connector.meterImpulsesPerKilowattHour == 800)
        #expect(connector.buzzer?.offset == 19)
        #expect(connector.readyLight == nil)
        let reader = try #require(map.readers.first)
        #expect(reader.connector == 1)
        #expect(reader.frameBits == [26, 34, 37])
        #expect(reader.idTagFormat == .decimal)
        #expect(reader.frameGapMilliseconds == 30)
        #expect(reader.bitGapMilliseconds == 10)
        #expect(map.lines.map(\.role) == [
            .relay(1), .relayFeedback(1), .plug(1), .meter(1), .buzzer(1), .wiegandData0(0), .wiegandData1(0),
        ])
    }

    @Test func defaultsForAMinimalMap() throws {
        let map = try PinMap(parsing: minimal, file: "m.toml")
        #expect(map.boardName == "m.toml")
        #expect(map.connectors.count == 1)
        #expect(map.connectors[0].plugDebounceMilliseconds == 50)
        #expect(map.readers.isEmpty)
    }

    @Test func aSharedReaderHasNoConnector() throws {
        let map = try PinMap(parsing: minimal + "[reader]\nd0 = 1\nd1 = 2\n", file: "m.toml")
        #expect(map.readers[0].connector == nil)
        #expect(map.readers[0].frameBits == [26, 34])
    }

    @Test func refusesAnUnknownChip() {
        let error = refusal(minimal + "plug_chip = \"expander\"\n")
        #expect(error?.key == "connector.1.plug_chip")
        #expect(error?.line == 7)
        #expect(error?.reason.contains("unknown chip 'expander'") == true)
        #expect(error?.description.hasPrefix("test.toml:7: connector.1.plug_chip: unknown chip") == true)
    }

    @Test func refusesALineUsedTwice() {
        let error = refusal(minimal + "meter = 17\n")
        #expect(error?.key == "connector.1.meter")
        #expect(error?.reason == "gpiochip0 line 17 is already used by connector.1.relay")
    }

    @Test func refusesALineUsedTwiceUnderTwoChipNames() {
        let error = refusal(minimal + "meter = 5\nmeter_chip = \"same\"\n[chips]\nsame = \"gpiochip0\"\n[reader]\nd0 = 5\nd1 = 6\n")
        #expect(error?.key == "reader.d0")
        #expect(error?.reason == "gpiochip0 line 5 is already used by connector.1.meter")
    }

    @Test(arguments: [
        ("[board]\nchip = \"c\"\n[connector.1]\nplug = 2\n", "connector.1.relay"),
        ("[board]\nchip = \"c\"\n[connector.1]\nrelay = 2\n", "connector.1.plug"),
        ("[board]\nchip = \"c\"\n", "connector.1"),
        ("[board]\nname = \"x\"\n[connector.1]\nrelay = 1\nplug = 2\n", "board.chip"),
        ("[connector.1]\nrelay = 1\nplug = 2\n", "board"),
        (minimal + "[reader]\nd0 = 3\n", "reader.d1"),
        (minimal + "[connector.3]\nrelay = 5\nplug = 6\n", "connector.2"),
    ])
    func refusesAMissingRequiredLine(text: String, key: String) {
        #expect(refusal(text)?.key == key)
    }

    @Test(arguments: [
        (minimal + "rellay = 3\n", "connector.1.rellay", "unknown key in [connector.1]"),
        (minimal + "relay_bias = \"up\"\n", "connector.1.relay_bias", "must be one of"),
        (minimal + "buzzer_active_low = true\n", "connector.1.buzzer_active_low", "is set but buzzer is not"),
        (minimal + "meter = \"23\"\n", "connector.1.meter", "must be a whole number, not a string"),
        (minimal + "meter = -1\n", "connector.1.meter", "-1 is outside"),
        (minimal + "plug_active_low = 1\n", "connector.1.plug_active_low", "must be true or false"),
        (minimal + "plug_debounce_ms = 20000\n", "connector.1.plug_debounce_ms", "outside 0…10000"),
        (minimal + "[reader]\nd0 = 3\nd1 = 4\nid_format = \"octal\"\n", "reader.id_format", "must be one of"),
        (minimal + "[reader]\nd0 = 3\nd1 = 4\nframes = \"26,26\"\n", "reader.frames", "once each"),
        (minimal + "[reader]\nd0 = 3\nd1 = 4\nframes = \"26,32\"\nid_format = \"facility:card\"\n",
         "reader.frames", "raw 32-bit frame has no facility code"),
        (minimal + "[reader]\nd0 = 3\nd1 = 4\nconnector = 2\n", "reader.connector", "there is no [connector.2]"),
        (minimal + "[reader]\nd0 = 3\nd1 = 4\nframe_gap_ms = 20\nbit_gap_ms = 20\n", "reader.bit_gap_ms", "outside 1…19"),
        (minimal + "[chips]\nmain = \"gpiochip1\"\n", "chips.main", "is the [board] chip"),
        (minimal + "[connector.x]\nrelay = 5\n", "connector.x", "numbered 1, 2"),
        (minimal + "[charger]\n", "charger", "unknown section"),
        (minimal + "relay = 18\n", "connector.1.relay", "set twice"),
    ])
    func refusesWithKeyAndReason(text: String, key: String, reason: String) {
        let error = refusal(text)
        #expect(error?.key == key)
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("[board\nchip = \"c\"\n", 1, "section header"),
        ("[board]\nchip \"c\"\n", 2, "expected key = value"),
        ("[board]\nchip = 'c'\n", 2, "the value must be"),
        ("[board]\nchip = \"c\n", 2, "the value must be"),
        ("[board]\nchip = \"c\" x\n", 2, "the value must be"),
        ("[board]\nchip = 1.5\n", 2, "must be a \"quoted string\", not a number with a fraction"),
        ("[board]\nchip = 1e5\n", 2, "the value must be"),
        ("[board]\nchip = 0x1FFFFFFFF\n", 2, "the value must be"),
        ("[board]\nchip = [1]\n", 2, "the value must be"),
        ("[[board]]\n", 1, "section header"),
        ("[board]\n[board]\n", 2, "appears twice"),
        ("[bo ard]\n", 1, "not a section name"),
        ("[board]\na.b = 1\n", 2, "not a key name"),
        ("chip = \"c\"\n[board]\n", 1, "keys must sit in a section"),
    ])
    func refusesWhatIsNotTheTOMLSubset(text: String, line: Int, reason: String) {
        let error = refusal(text)
        #expect(error?.line == line)
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
    }

    @Test func integersTakeUnderscoresAndSigns() throws {
        let document = try FlatTOML(parsing: "[a]\nx = 1_000\ny = +5\nz = -7\n", file: "t")
        #expect(document.sections[0].entries.map(\.value) == [.integer(1000), .integer(5), .integer(-7)])
        #expect(throws: PinMapError.self) { try FlatTOML(parsing: "[a]\nx = 1__0\n", file: "t") }
        #expect(throws: PinMapError.self) { try FlatTOML(parsing: "[a]\nx = _1\n", file: "t") }
    }

    @Test func aMissingFileNamesTheFile() {
        #expect(throws: PinMapError.self) { try PinMap.load(path: "/nonexistent/pins.toml") }
        do {
            _ = try PinMap.load(path: "/nonexistent/pins.toml")
        } catch {
            #expect(error.file == "/nonexistent/pins.toml")
            #expect(error.reason.hasPrefix("cannot be read"))
        }
    }
}
