import Testing

@testable import Board

/// `[meter.N]` in a pin map: read as the technician wrote it, or refused
/// with the line and the reason.
@Suite struct MeterPinMapTests {
    /// Parsed as if it sat in `board/`, so `meters/<map>.toml` are the shipped maps.
    static let file = ShippedPinMapTests.folder + "test.toml"

    static let board = """
        [board]
        chip = "gpiochip0"

        [connector.1]
        relay = 17
        plug = 22

        """

    private func refusal(_ text: String, simulatedConnectors: Int? = nil) -> String? {
        do {
            _ = try PinMap(parsing: text, file: Self.file, simulatedConnectors: simulatedConnectors)
            Issue.record("the pin map was accepted")
            return nil
        } catch {
            return error.description.replacingPrefix(Self.file, with: "test.toml")
        }
    }

    @Test func readsAnRTUAndATCPMeter() throws {
        let text = Self.board + """
            [connector.2]
            relay = 18
            plug = 23

            [meter.1]
            backend = "modbus-rtu"
            map = "eastron-sdm630"
            device = "/dev/ttyUSB0"
            baud = 19200
            parity = "even"
            stop_bits = 1
            unit = 7
            poll_ms = 500
            timeout_ms = 200
            retries = 1
            failures_before_fault = 4

            [meter.2]
            backend = "modbus-tcp"
            map = "abb-b23"
            host = "192.0.2.10"
            """
        let map = try PinMap(parsing: text, file: Self.file)
        #expect(map.meters.count == 2)
        let rtu = map.meters[0]
        #expect(rtu.connector == 1 && rtu.unit == 7 && rtu.map.model == "SDM630")
        #expect(rtu.transport == .rtu(device: "/dev/ttyUSB0", baud: 19_200, parity: .even, stopBits: 1))
        #expect(rtu.pollMilliseconds == 500 && rtu.timeoutMilliseconds == 200 && rtu.retries == 1 && rtu.failuresBeforeFault == 4)
        let tcp = map.meters[1]
        #expect(tcp.transport == .tcp(host: "192.0.2.10", port: 502) && tcp.unit == 1 && tcp.map.manufacturer == "ABB")
        #expect(tcp.pollMilliseconds == 1000 && tcp.timeoutMilliseconds == 500 && tcp.retries == 2 && tcp.failuresBeforeFault == 3)
    }

    @Test func refusesWhatATechnicianCouldGetWrong() {
        let meter = Self.board + "[meter.1]\nbackend = \"modbus-tcp\"\nhost = \"127.0.0.1\"\nmap = \"eastron-sdm630\"\n"
        let rtu = Self.board + "[meter.1]\nbackend = \"modbus-rtu\"\ndevice = \"/dev/ttyS0\"\nmap = \"eastron-sdm630\"\n"
        let cases: [(String, String)] = [
            (Self.board + "[meter.1]\nbackend = \"modbus-udp\"\n",
             "test.toml:8: meter.1.backend: must be one of \"modbus-rtu\", \"modbus-tcp\", \"s0\""),
            (Self.board + "[meter.1]\nbackend = \"modbus-tcp\"\nhost = \"h\"\nmap = \"acme-9000\"\n",
             "test.toml:10: meter.1.map: register map \(ShippedPinMapTests.folder)meters/acme-9000.toml not found (No such file or directory)"),
            (rtu + "baud = 9601\n",
             "test.toml:11: meter.1.baud: 9601 is not a standard rate: use one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200"),
            (meter + "unit = 0\n", "test.toml:11: meter.1.unit: 0 is outside 1…247"),
            (meter + "unit = 248\n", "test.toml:11: meter.1.unit: 248 is outside 1…247"),
            (meter + "poll_ms = 100\n", "test.toml:11: meter.1.poll_ms: 100 is outside 200…60000"),
            (meter + "timeout_ms = 20000\n", "test.toml:11: meter.1.timeout_ms: 20000 is outside 50…10000"),
            (meter + "retries = 6\n", "test.toml:11: meter.1.retries: 6 is outside 0…5"),
            (meter + "device = \"/dev/ttyS0\"\n", "test.toml:11: meter.1.device: belongs to modbus-rtu, not modbus-tcp"),
            ("[board]\nchip = \"c\"\n[connector.1]\nrelay = 17\nplug = 22\nmeter = 5\n[meter.1]\nbackend = \"modbus-tcp\"\n",
             "test.toml:7: meter.1: connector 1 already has an S0 meter (connector.1.meter): keep one of the two"),
            (Self.board + "[meter.2]\nbackend = \"modbus-tcp\"\n",
             "test.toml:7: meter.2: there is no connector 2: this board has 1"),
            (Self.board + "[meter.one]\n", "test.toml:7: meter.one: meters are numbered after their connector, as in [meter.1]"),
        ]
        for (text, expected) in cases {
            #expect(refusal(text) == expected)
        }
    }

    @Test func aSimulatedBoardUsesOnlyItsMeters() throws {
        let text = "[meter.2]\nbackend = \"modbus-tcp\"\nhost = \"127.0.0.1\"\nport = 1502\nmap = \"chargeplex-ocmf\"\n"
        let map = try PinMap(parsing: text, file: Self.file, simulatedConnectors: 2)
        #expect(map.connectors.isEmpty && map.lines.isEmpty)
        #expect(map.meters.map(\.connector) == [2])
        #expect(map.meters[0].map.ocmf != nil)
        #expect(refusal(text, simulatedConnectors: 1) == "test.toml:1: meter.2: there is no connector 2: this board has 1")
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
