import Testing

@testable import Board

@Suite struct SimBoardTests {
    @Test func energyGrowsOnlyWhileTheRelayIsClosedAndTheCarDraws() async {
        let board = SimBoard(connectorCount: 1, voltage: 230, phases: 1)
        board.plug(1)
        board.perform(.currentLimit(connector: 1, amperes: 10))
        board.advance(seconds: 3600)
        #expect(board.connector(1)?.wattHours == 0)

        board.perform(.relay(connector: 1, closed: true))
        board.advance(seconds: 3600)
        #expect(board.connector(1)?.wattHours == 2300)

        board.setDrawing(1, false)
        board.advance(seconds: 3600)
        #expect(board.connector(1)?.wattHours == 2300)

        board.finish()
        var seen: [BoardEvent] = []
        for await event in board.events { seen.append(event) }
        #expect(seen.contains(.plug(connector: 1, connected: true)))
        #expect(seen.contains(.relayFeedback(connector: 1, closed: true)))
        #expect(seen.contains(.energy(connector: 1, wattHours: 2300)))
    }

    @Test func aWeldedRelayReportsClosedWhenToldToOpen() async {
        let board = SimBoard(connectorCount: 1)
        board.perform(.relay(connector: 1, closed: true))
        board.setWelded(1, true)
        board.makeSafe()
        board.finish()
        var last: BoardEvent?
        for await event in board.events { if case .relayFeedback = event { last = event } }
        #expect(last == .relayFeedback(connector: 1, closed: true))
        #expect(board.connector(1)?.relayClosed == false)
    }

    @Test func aProbeIsAnsweredBehindTheEventsBeforeIt() async {
        let board = SimBoard(connectorCount: 1)
        board.plug(1)
        board.probe(7)
        board.swipe("04A1", at: 1)
        board.finish()
        var seen: [BoardEvent] = []
        for await event in board.events { seen.append(event) }
        #expect(seen == [.plug(connector: 1, connected: true), .alive(probe: 7), .cardRead(connector: 1, idTag: "04A1")])
    }

    @Test func commandsForUnknownConnectorsAreIgnored() {
        let board = SimBoard(connectorCount: 1)
        board.perform(.relay(connector: 7, closed: true))
        board.unplug(0)
        #expect(board.connector(7) == nil)
        for connector in [Int.min, -1, Int.max] {
            board.plug(connector)
            board.perform(.relay(connector: connector, closed: true))
            #expect(board.connector(connector) == nil)
        }
        #expect(board.connector(1)?.relayClosed == false)
    }
}
