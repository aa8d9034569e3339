import Testing

@testable import Board

private let ms: UInt64 = 1_000_000

private let withContact = """
    [board]
    chip = "gpiochip0"

    [connector.1]
    relay = 17
    plug = 22

    [limit]
    contact = 16
    contact_active_low = true
    contact_bias = "pull-up"
    contact_power_w = 3700

    """

private func map(_ text: String) throws(PinMapError) -> PinMap { try PinMap(parsing: text, file: "l.toml") }

/// The error the pin map gives when `[limit]` is `section` instead.
private func refusal(_ section: String) -> String? {
    do {
        _ = try map("[board]\nchip = \"c\"\n[connector.1]\nrelay = 1\nplug = 2\n[limit]\n" + section)
        return nil
    } catch {
        return error.description
    }
}

/// The grid operator's control contact: `[limit]` in the pin map, debounced like the plug,
/// reported as an external limit of the power it imposes, and its state at start.
@Suite struct ExternalLimitContactTests {
    @Test func theContactIsReadWithItsLevelAndPower() throws {
        let pins = try #require(try map(withContact).limit)
        #expect(pins.contact == LineSpec(key: "limit.contact", offset: 16, activeLow: true, bias: .pullUp))
        #expect(pins.powerWatts == 3700)
        #expect(try map(withContact).lines.contains { $0.role == .limitContact && !$0.role.isOutput })
    }

    @Test func thePowerIs4200WattsUnlessSaidAndZeroIsAllowed() throws {
        #expect(try map("[board]\nchip = \"c\"\n[connector.1]\nrelay = 1\nplug = 2\n[limit]\ncontact = 5\n").limit?.powerWatts == 4200)
        #expect(try map("[board]\nchip = \"c\"\n[connector.1]\nrelay = 1\nplug = 2\n[limit]\ncontact_power_w = 0\n").limit
            == ExternalLimitPins(contact: nil, powerWatts: 0))
        #expect(try map("[board]\nchip = \"c\"\n[connector.1]\nrelay = 1\nplug = 2\n").limit == nil)
    }

    @Test func mistakesAreRefusedWithTheirLine() {
        #expect(refusal("contact = 5\ncontact_power_w = -1\n") == "l.toml:8: limit.contact_power_w: -1 is outside 0…1000000")
        #expect(refusal("contact = 5\ncontact_power_w = 4.2\n") == "l.toml:8: limit.contact_power_w: must be a whole number, not a number with a fraction")
        #expect(refusal("contact_active_low = true\n") == "l.toml:7: limit.contact_active_low: is set but contact is not")
        #expect(refusal("contact = 5\npower = 4200\n") == "l.toml:8: limit.power: unknown key in [limit]")
        #expect(refusal("contact = 2\n")?.contains("is already used by connector.1.plug") == true)
        #expect(refusal("contact = 5\ncontact_bias = \"up\"\n")?.hasPrefix("l.toml:8: limit.contact_bias: must be one of") == true)
    }

    @Test func theContactIsDebouncedAndReportedBothWays() throws {
        var logic = BoardLogic(pinMap: try map(withContact), initialWattHours: [:], levels: [:], now: 0)
        // Found open at start: reported as no limit, so nothing is assumed.
        #expect(logic.startOutputs().contains(.event(.externalLimit(source: .contact, watts: nil))))
        #expect(logic.edge(.init(role: .limitContact, level: true, time: 100 * ms), now: 100 * ms).isEmpty)
        #expect(logic.edge(.init(role: .limitContact, level: false, time: 110 * ms), now: 110 * ms).isEmpty)
        #expect(logic.poll(now: 200 * ms).isEmpty)
        #expect(logic.edge(.init(role: .limitContact, level: true, time: 300 * ms), now: 300 * ms).isEmpty)
        #expect(logic.nextDeadline == 350 * ms)
        #expect(logic.poll(now: 360 * ms) == [.event(.externalLimit(source: .contact, watts: 3700))])
        #expect(logic.edge(.init(role: .limitContact, level: false, time: 400 * ms), now: 400 * ms).isEmpty)
        #expect(logic.poll(now: 460 * ms) == [.event(.externalLimit(source: .contact, watts: nil))])
    }

    @Test func aContactFoundClosedAtStartImposesItsLimit() throws {
        let logic = BoardLogic(pinMap: try map(withContact), initialWattHours: [:], levels: [.limitContact: true], now: 0)
        #expect(logic.startOutputs().contains(.event(.externalLimit(source: .contact, watts: 3700))))
    }

    @Test func theSimulatedContactImposesItsPower() async {
        let board = SimBoard(connectorCount: 1, limitContactWatts: 0)
        board.setLimitContact(true)
        board.setLimitContact(false)
        board.finish()
        var seen: [BoardEvent] = []
        for await event in board.events { seen.append(event) }
        #expect(seen == [.externalLimit(source: .contact, watts: 0), .externalLimit(source: .contact, watts: nil)])
        #expect(SimBoard(connectorCount: 1).limitContactWatts == 4200)
    }

    @Test func theEventHasALineOfText() {
        #expect(BoardEvent.externalLimit(source: .contact, watts: 4200).line == "externalLimit source=contact watts=4200.0")
        #expect(BoardEvent.externalLimit(source: .contact, watts: nil).line == "externalLimit source=contact watts=-")
    }
}
