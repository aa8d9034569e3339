import CModbus
import Testing

@testable import Board

#if canImport(Glibc)
import Glibc
#endif

/// The error the pin map gives when `[limit]` is `section` instead.
private func refusal(_ section: String) -> String? {
    do {
        _ = try PinMap(parsing: "[board]\nchip = \"c\"\n[connector.1]\nrelay = 1\nplug = 2\n[limit]\n" + section, file: "l.toml")
        return nil
    } catch {
        return error.description
    }
}

/// libmodbus's own client, as an energy manager uses it, connected to `port` on loopback.
private final class EnergyManagerClient {
    let context: OpaquePointer

    init(port: Int, unit: Int32 = 1) throws {
        guard let context = modbus_new_tcp("127.0.0.1", Int32(port)) else { throw PeerError("modbus_new_tcp failed") }
        modbus_set_slave(context, unit)
        modbus_set_response_timeout(context, 2, 0)
        guard modbus_connect(context) == 0 else {
            modbus_free(context)
            throw PeerError("cannot connect: \(String(cString: modbus_strerror(errno)))")
        }
        self.context = context
    }

    deinit {
        modbus_close(context)
        modbus_free(context)
    }

    /// Writes holding register `address`; the errno of a failure, nil on success.
    func write(_ value: UInt16, at address: Int32 = 0) -> Int32? {
        modbus_write_register(context, address, value) == 1 ? nil : errno
    }

    func readInput(_ address: Int32 = 0) -> UInt16? {
        var word: UInt16 = 0
        return modbus_read_input_registers(context, address, 1, &word) == 1 ? word : nil
    }

    func readHolding(_ address: Int32 = 0) -> UInt16? {
        var word: UInt16 = 0
        return modbus_read_registers(context, address, 1, &word) == 1 ? word : nil
    }
}

private func isEnergyManager(_ event: BoardEvent, _ watts: Double?) -> Bool {
    event == .externalLimit(source: .energyManager, watts: watts)
}

/// The local energy manager's Modbus/TCP server (`[limit] energy_manager`),
/// written to by libmodbus's own client over loopback.
@Suite(.serialized) struct EnergyManagerTests {
    @Test func theKeysAreReadWithTheirDefaults() throws {
        let text = "[board]\nchip = \"c\"\n[connector.1]\nrelay = 1\nplug = 2\n[limit]\nenergy_manager = \"127.0.0.1:1502\"\n"
        let settings = try #require(try PinMap(parsing: text, file: "l.toml").limit?.energyManager)
        #expect(settings == EnergyManagerSettings(address: "127.0.0.1", port: 1502, unit: 1, timeoutSeconds: 0))
        let full = text + "energy_manager_unit = 7\nenergy_manager_timeout_s = 90\ncontact = 5\n"
        let both = try #require(try PinMap(parsing: full, file: "l.toml").limit)
        #expect(both.energyManager == EnergyManagerSettings(address: "127.0.0.1", port: 1502, unit: 7, timeoutSeconds: 90))
        #expect(both.contact?.offset == 5)
        // A simulated board takes it from its pin map too.
        let simulated = try PinMap(parsing: "[limit]\nenergy_manager = \"0.0.0.0:502\"\n", file: "s.toml", simulatedConnectors: 2)
        #expect(simulated.limit?.energyManager == EnergyManagerSettings(address: "0.0.0.0", port: 502))
    }

    @Test func mistakesAreRefusedWithTheirLine() {
        let address = "is not an IPv4 address and a port from 1 to 65535, as in \"127.0.0.1:1502\""
        #expect(refusal("energy_manager = \"127.0.0.1:0\"\n") == "l.toml:7: limit.energy_manager: \"127.0.0.1:0\" \(address)")
        #expect(refusal("energy_manager = \"127.0.0.1:65536\"\n") == "l.toml:7: limit.energy_manager: \"127.0.0.1:65536\" \(address)")
        #expect(refusal("energy_manager = \"127.0.0.1\"\n") == "l.toml:7: limit.energy_manager: \"127.0.0.1\" \(address)")
        #expect(refusal("energy_manager = \"localhost:1502\"\n") == "l.toml:7: limit.energy_manager: \"localhost:1502\" \(address)")
        #expect(refusal("energy_manager = \"300.1.1.1:1502\"\n") == "l.toml:7: limit.energy_manager: \"300.1.1.1:1502\" \(address)")
        #expect(refusal("energy_manager = 1502\n") == "l.toml:7: limit.energy_manager: must be a \"quoted string\", not an integer")
        #expect(refusal("energy_manager = \"127.0.0.1:1502\"\nenergy_manager_unit = 0\n")
            == "l.toml:8: limit.energy_manager_unit: 0 is outside 1…247")
        #expect(refusal("energy_manager = \"127.0.0.1:1502\"\nenergy_manager_unit = 248\n")
            == "l.toml:8: limit.energy_manager_unit: 248 is outside 1…247")
        #expect(refusal("energy_manager = \"127.0.0.1:1502\"\nenergy_manager_timeout_s = -1\n")
            == "l.toml:8: limit.energy_manager_timeout_s: -1 is outside 0…86400")
        #expect(refusal("energy_manager_unit = 3\n") == "l.toml:7: limit.energy_manager_unit: is set but energy_manager is not")
        #expect(refusal("energy_manager_timeout_s = 3\n") == "l.toml:7: limit.energy_manager_timeout_s: is set but energy_manager is not")
    }

    @Test func writesToRegisterZeroBecomeTheLimitAnd65535EndsIt() async throws {
        let events = MeterPollerTests.Events()
        let server = try EnergyManagerServer(
            settings: EnergyManagerSettings(address: "127.0.0.1", port: 0), continuation: events.continuation)
        defer { server.stop() }
        // The state at start: no limit.
        let (_, start) = try #require(await events.first { isEnergyManager($0, nil) })
        let client = try EnergyManagerClient(port: server.port)
        #expect(client.readHolding() == 65535)
        #expect(client.write(4200) == nil)
        let (_, limited) = try #require(await events.first(after: start + 1) { isEnergyManager($0, 4200) })
        #expect(client.readHolding() == 4200)
        #expect(client.write(0) == nil)
        let (_, suspended) = try #require(await events.first(after: limited + 1) { isEnergyManager($0, 0) })
        #expect(client.write(65535) == nil)
        #expect(await events.first(after: suspended + 1) { isEnergyManager($0, nil) } != nil)
    }

    @Test func anotherUnitGetsNoAnswerAndAnotherRegisterIsRefused() async throws {
        let events = MeterPollerTests.Events()
        let server = try EnergyManagerServer(
            settings: EnergyManagerSettings(address: "127.0.0.1", port: 0, unit: 5), continuation: events.continuation)
        defer { server.stop() }
        let stranger = try EnergyManagerClient(port: server.port, unit: 6)
        modbus_set_response_timeout(stranger.context, 0, 300_000)
        #expect(stranger.write(4200) == ETIMEDOUT)
        let client = try EnergyManagerClient(port: server.port, unit: 5)
        let illegalAddress = cmodbus_error_exception_base() + Int32(MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS)
        #expect(client.write(4200, at: 1) == illegalAddress)
        #expect(client.readHolding(1) == nil && errno == illegalAddress)
        #expect(client.readInput(1) == nil && errno == illegalAddress)
        // Neither changed the limit: the one write that counts is the first seen.
        #expect(client.write(3000) == nil)
        let (_, first) = try #require(await events.first { if case .externalLimit(_, let watts) = $0 { watts != nil } else { false } })
        #expect(events.seen[first] == .externalLimit(source: .energyManager, watts: 3000))
    }

    @Test func inputRegisterZeroReadsTheLowestLimitInForce() async throws {
        let events = MeterPollerTests.Events()
        let server = try EnergyManagerServer(
            settings: EnergyManagerSettings(address: "127.0.0.1", port: 0), continuation: events.continuation)
        defer { server.stop() }
        let client = try EnergyManagerClient(port: server.port)
        #expect(client.readInput() == 65535)
        server.note(.externalLimit(source: .contact, watts: 3700))
        #expect(client.readInput() == 3700)
        #expect(client.write(5000) == nil)
        #expect(client.readInput() == 3700)
        #expect(client.write(2000) == nil)
        #expect(client.readInput() == 2000)
        server.note(.externalLimit(source: .contact, watts: nil))
        #expect(client.write(65535) == nil)
        #expect(client.readInput() == 65535)
    }

    @Test func aNewConnectionReplacesTheOldOne() async throws {
        let events = MeterPollerTests.Events()
        let server = try EnergyManagerServer(
            settings: EnergyManagerSettings(address: "127.0.0.1", port: 0), continuation: events.continuation)
        defer { server.stop() }
        let old = try EnergyManagerClient(port: server.port)
        #expect(old.write(1000) == nil)
        let new = try EnergyManagerClient(port: server.port)
        #expect(new.write(2000) == nil)
        #expect(await events.first { isEnergyManager($0, 2000) } != nil)
        modbus_set_response_timeout(old.context, 0, 300_000)
        #expect(old.write(3000) != nil)
        #expect(new.readHolding() == 2000)
    }

    @Test func aSilentEnergyManagersLimitEndsAfterItsTimeout() async throws {
        let events = MeterPollerTests.Events()
        let server = try EnergyManagerServer(
            settings: EnergyManagerSettings(address: "127.0.0.1", port: 0, timeoutSeconds: 1), continuation: events.continuation)
        defer { server.stop() }
        let client = try EnergyManagerClient(port: server.port)
        #expect(client.write(4200) == nil)
        let (_, limited) = try #require(await events.first { isEnergyManager($0, 4200) })
        #expect(await events.first(after: limited + 1) { isEnergyManager($0, nil) } != nil)
        #expect(client.readHolding() == 65535)
    }

    @Test func anAddressInUseIsRefusedAndStopEndsTheServer() throws {
        let (_, continuation) = AsyncStream.makeStream(of: BoardEvent.self)
        let server = try EnergyManagerServer(settings: EnergyManagerSettings(address: "127.0.0.1", port: 0), continuation: continuation)
        #expect(throws: GPIOBoardError.self) {
            _ = try EnergyManagerServer(
                settings: EnergyManagerSettings(address: "127.0.0.1", port: server.port), continuation: continuation)
        }
        server.stop()
        server.stop()
        #expect(throws: PeerError.self) { _ = try EnergyManagerClient(port: server.port) }
    }
}
