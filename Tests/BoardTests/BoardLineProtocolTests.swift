import Testing

@testable import Board

@Suite struct BoardLineProtocolTests {
    static let events: [BoardEvent] = [
        .cardRead(connector: nil, idTag: "04A1B2C3"),
        .cardRead(connector: 2, idTag: "18:4660"),
        .plug(connector: 1, connected: true),
        .relayFeedback(connector: 1, closed: false),
        .energy(connector: 1, wattHours: 123_456),
        .evDrawing(connector: 2, drawing: true),
        .fault(connector: 1, fault: .powerSwitchFailure, active: true),
        .alive(probe: 42),
    ]

    @Test(arguments: events)
    func eventsSurviveTheRoundTrip(event: BoardEvent) {
        #expect(BoardEvent(line: event.line) == event)
    }

    @Test func eventLinesReadAsDocumented() {
        #expect(BoardEvent.cardRead(connector: nil, idTag: "121234").line == "card connector=- idTag=121234")
        #expect(BoardEvent.fault(connector: 1, fault: .powerSwitchFailure, active: false).line
            == "fault connector=1 fault=PowerSwitchFailure active=false")
    }

    @Test(arguments: [
        "", "card", "card connector=1", "plug connector=x connected=true", "plug connector=1 connected=yes",
        "plug connector=1 connected=true extra=1", "fault connector=1 fault=Nope active=true", "reboot connector=1",
    ])
    func malformedEventLinesAreRefused(line: String) {
        #expect(BoardEvent(line: line) == nil)
    }

    static let commands: [BoardCommand] = [
        .relay(connector: 1, closed: true), .relay(connector: 2, closed: false),
        .currentLimit(connector: 1, amperes: 16.5),
        .indicate(connector: nil, .idle), .indicate(connector: 1, .charging),
    ]

    @Test(arguments: commands)
    func commandsSurviveTheRoundTrip(command: BoardCommand) {
        #expect(BoardCommand(line: command.line) == command)
    }

    @Test func commandLinesReadAsTyped() {
        #expect(BoardCommand(line: "relay 1 on") == .relay(connector: 1, closed: true))
        #expect(BoardCommand(line: "  relay   1   off ") == .relay(connector: 1, closed: false))
        #expect(BoardCommand(line: "indicate - fault") == .indicate(connector: nil, .fault))
    }

    @Test(arguments: ["relay 1", "relay one on", "relay 1 maybe", "limit 1 -3", "indicate 1 party", "open 1 now"])
    func malformedCommandLinesAreRefused(line: String) {
        #expect(BoardCommand(line: line) == nil)
    }
}
