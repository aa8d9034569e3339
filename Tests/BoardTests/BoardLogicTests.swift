import Testing

@testable import Board

private let ms: UInt64 = 1_000_000

/// One connector with every line, a shared reader: the Raspberry Pi layout.
private func pinMap() throws -> PinMap {
    try PinMap(parsing: """
        [board]
        chip = "sim"
        [connector.1]
        relay = 17
        relay_feedback = 27
        relay_feedback_timeout_ms = 500
        relay_feedback_debounce_ms = 20
        plug = 22
        plug_debounce_ms = 50
        meter = 23
        meter_impulses_per_kwh = 1000
        ready_light = 5
        charging_light = 6
        fault_light = 13
        buzzer = 19
        [reader]
        d0 = 24
        d1 = 25
        id_format = "facility:card"
        """, file: "logic.toml")
}

private func events(_ outputs: [BoardLogic.Output]) -> [BoardEvent] {
    outputs.compactMap { if case .event(let event) = $0 { event } else { nil } }
}

private func drives(_ outputs: [BoardLogic.Output]) -> [BoardLogic.Output] {
    outputs.filter { if case .drive = $0 { true } else { false } }
}

private func edge(_ role: LineRole, _ level: Bool, _ time: UInt64) -> BoardLogic.Edge {
    BoardLogic.Edge(role: role, level: level, time: time)
}

@Suite struct BoardLogicTests {
    @Test func reportsTheStateFoundAtStart() throws {
        let logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [1: 4200],
                               levels: [.plug(1): true, .relayFeedback(1): false], now: 0)
        #expect(events(logic.startOutputs()) == [
            .plug(connector: 1, connected: true),
            .relayFeedback(connector: 1, closed: false),
            .energy(connector: 1, wattHours: 4200),
        ])
        #expect(logic.nextDeadline == nil)
    }

    @Test func aCardOnTheSharedReaderBecomesAnIdTagAfterTheFrameGap() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        var outputs: [BoardLogic.Output] = []
        for (index, bit) in "10001001000010010001101001".enumerated() {
            let role: LineRole = bit == "1" ? .wiegandData1(0) : .wiegandData0(0)
            outputs += logic.edge(edge(role, true, 1000 * ms + UInt64(index) * 2 * ms), now: 1000 * ms)
        }
        #expect(outputs.isEmpty)
        let end = 1000 * ms + 25 * 2 * ms
        #expect(logic.nextDeadline == end + 25 * ms)
        outputs = logic.poll(now: end + 26 * ms)
        #expect(events(outputs) == [.cardRead(connector: nil, idTag: "18:4660")])
        #expect(outputs.contains(.log(.info, "card read: 26-bit frame, idTag 18:4660, delay_us=26000 after its last pulse")))
    }

    @Test func aBadFrameIsLoggedAndNeverAnIdTag() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        for index in 0..<26 { _ = logic.edge(edge(.wiegandData1(0), true, UInt64(index) * 2 * ms), now: 0) }
        let outputs = logic.poll(now: 100 * ms)
        #expect(events(outputs).isEmpty)
        #expect(outputs == [.log(.warning, "card frame dropped: 26-bit frame with bad parity")])
    }

    @Test func plugSenseIsDebounced() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        #expect(logic.edge(edge(.plug(1), true, 100 * ms), now: 100 * ms).isEmpty)
        #expect(logic.edge(edge(.plug(1), false, 110 * ms), now: 110 * ms).isEmpty)
        #expect(logic.edge(edge(.plug(1), true, 120 * ms), now: 120 * ms).isEmpty)
        #expect(logic.poll(now: 160 * ms).isEmpty)
        #expect(events(logic.poll(now: 170 * ms)) == [.plug(connector: 1, connected: true)])
    }

    @Test func s0PulsesGrowTheRegisterFromItsStoredValue() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [1: 1000], levels: [:], now: 0)
        var seen: [BoardEvent] = []
        for pulse in 1...3 {
            seen += events(logic.edge(edge(.meter(1), true, UInt64(pulse) * 100 * ms), now: 0))
            // The end of the pulse is not asked for; if it came, it is no pulse.
            seen += events(logic.edge(edge(.meter(1), false, UInt64(pulse) * 100 * ms + 40 * ms), now: 0))
        }
        #expect(seen == [1001, 1002, 1003].map { .energy(connector: 1, wattHours: $0) })
    }

    @Test func theRelayClosesOnCommandAndIsSupervised() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        #expect(logic.perform(.relay(connector: 1, closed: true), now: 1000 * ms) == [.drive(.relay(1), true)])
        // Timeout plus debounce.
        #expect(logic.nextDeadline == 1520 * ms)
        _ = logic.edge(edge(.relayFeedback(1), true, 1050 * ms), now: 1050 * ms)
        #expect(events(logic.poll(now: 1070 * ms)) == [.relayFeedback(connector: 1, closed: true)])
        #expect(logic.poll(now: 5000 * ms).isEmpty)
    }

    @Test func aRelayThatDoesNotCloseRaisesPowerSwitchFailureAndOpens() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        _ = logic.perform(.relay(connector: 1, closed: true), now: 0)
        let outputs = logic.poll(now: 520 * ms)
        #expect(events(outputs) == [.fault(connector: 1, fault: .powerSwitchFailure, active: true)])
        #expect(drives(outputs) == [.drive(.relay(1), false)])
        #expect(logic.poll(now: 10_000 * ms).isEmpty)
    }

    @Test func aWeldedContactRaisesPowerSwitchFailureAndRefusesToClose() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        _ = logic.edge(edge(.relayFeedback(1), true, 100 * ms), now: 100 * ms)
        let outputs = logic.poll(now: 120 * ms)
        #expect(events(outputs) == [
            .relayFeedback(connector: 1, closed: true),
            .fault(connector: 1, fault: .powerSwitchFailure, active: true),
        ])
        let refused = logic.perform(.relay(connector: 1, closed: true), now: 200 * ms)
        #expect(drives(refused) == [.drive(.relay(1), false)])
        _ = logic.edge(edge(.relayFeedback(1), false, 300 * ms), now: 300 * ms)
        #expect(events(logic.poll(now: 320 * ms)) == [
            .relayFeedback(connector: 1, closed: false),
            .fault(connector: 1, fault: .powerSwitchFailure, active: false),
        ])
    }

    @Test func makeSafeOpensEveryRelay() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        _ = logic.perform(.relay(connector: 1, closed: true), now: 0)
        #expect(drives(logic.makeSafe(now: 10 * ms)) == [.drive(.relay(1), false)])
    }

    @Test func indicationsDriveTheLightsAndAShortBeep() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        #expect(logic.perform(.indicate(connector: nil, .accepted), now: 0) == [
            .drive(.readyLight(1), true), .drive(.chargingLight(1), true), .drive(.faultLight(1), false),
            .drive(.buzzer(1), true),
        ])
        #expect(logic.nextDeadline == 100 * ms)
        #expect(logic.poll(now: 100 * ms) == [.drive(.buzzer(1), false)])
        #expect(logic.perform(.indicate(connector: 1, .fault), now: 0) == [
            .drive(.readyLight(1), false), .drive(.chargingLight(1), false), .drive(.faultLight(1), true),
        ])
    }

    @Test func commandsForConnectorsTheBoardLacksAreLoggedOnly() throws {
        var logic = BoardLogic(pinMap: try pinMap(), initialWattHours: [:], levels: [:], now: 0)
        let outputs = logic.perform(.relay(connector: 2, closed: true), now: 0)
        #expect(drives(outputs).isEmpty)
        #expect(logic.perform(.currentLimit(connector: 1, amperes: 16), now: 0).isEmpty)
        for connector in [Int.min, -1, 0, Int.max] {
            #expect(drives(logic.perform(.relay(connector: connector, closed: true), now: 0)).isEmpty)
            #expect(logic.perform(.indicate(connector: connector, .accepted), now: 0).isEmpty)
        }
    }
}
