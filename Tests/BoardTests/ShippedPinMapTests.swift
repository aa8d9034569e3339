import Testing

@testable import Board

/// The pin maps in `board/` are what technicians install: each must load
/// and describe a complete charger.
@Suite struct ShippedPinMapTests {
    static let folder: String = {
        var path = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        path.removeLast(3)  // Tests/BoardTests/<file>
        return path.joined(separator: "/") + "/board/"
    }()

    @Test(arguments: ["raspberry-pi-4", "raspberry-pi-5", "beaglebone-black", "sim"])
    func loads(name: String) throws {
        let map = try PinMap.load(path: Self.folder + name + ".toml")
        #expect(map.connectors.count == 1)
        #expect(map.connectors[0].relayFeedback != nil)
        #expect(map.connectors[0].meter != nil)
        #expect(map.readers.count == 1)
        // The simulator's map has the external limit's control contact too.
        #expect(map.lines.count == (name == "sim" ? 11 : 10))
        #expect((map.limit?.contact != nil) == (name == "sim"))
    }

    @Test func raspberryPiMapsShareTheHeaderLayout() throws {
        let four = try PinMap.load(path: Self.folder + "raspberry-pi-4.toml")
        let five = try PinMap.load(path: Self.folder + "raspberry-pi-5.toml")
        let sim = try PinMap.load(path: Self.folder + "sim.toml")
        #expect(four.lines.map(\.spec) == five.lines.map(\.spec))
        #expect(four.lines.map(\.spec.offset) == sim.lines.filter { $0.role != .limitContact }.map(\.spec.offset))
        // The simulator's control contact sits on a line the Pi maps leave free.
        let contact = try #require(sim.limit?.contact)
        #expect(!four.lines.contains { $0.spec.offset == contact.offset })
        #expect(four.chips["main"] == "pinctrl-bcm2711")
        #expect(five.chips["main"] == "pinctrl-rp1")
    }

    @Test func relaysStartOpenOnEveryBoard() throws {
        for name in ["raspberry-pi-4", "raspberry-pi-5", "beaglebone-black", "sim"] {
            let map = try PinMap.load(path: Self.folder + name + ".toml")
            // An active-low relay would be closed by a released, pulled-down line.
            #expect(map.connectors.allSatisfy { !$0.relay.activeLow }, "\(name)")
        }
    }
}

/// What can be checked of GPIOBoard without GPIO hardware: a chip that is
/// not there stops it with the pin map's file and key.
@Suite struct GPIOBoardOpeningTests {
    static let map = """
        [board]
        chip = "no-such-chip-label"
        [connector.1]
        relay = 1
        plug = 2
        """

    @Test func aMissingChipIsRefusedWithFileAndKey() throws {
        let pinMap = try PinMap(parsing: Self.map, file: "absent.toml")
        #expect(throws: PinMapError.self) { try GPIOBoard(pinMap: pinMap) }
        do {
            _ = try GPIOBoard(pinMap: pinMap)
        } catch let error as PinMapError {
            #expect(error.file == "absent.toml")
            #expect(error.key == "board.chip")
            #expect(error.reason.hasPrefix("no GPIO chip 'no-such-chip-label' on this machine"))
        }
    }

    @Test func checkLinesReportsTheMissingChipForEveryLine() throws {
        let reports = GPIOBoard.checkLines(pinMap: try PinMap(parsing: Self.map, file: "absent.toml"))
        #expect(reports.map(\.key) == ["connector.1.relay", "connector.1.plug"])
        #expect(reports.allSatisfy { $0.status == .chipNotFound && !$0.isOK })
        #expect(reports[0].description == "connector.1.relay (connector 1 relay): no-such-chip-label line 1: chip not found")
    }
}
