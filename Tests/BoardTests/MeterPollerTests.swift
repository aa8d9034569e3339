import Synchronization
import Testing

@testable import Board

/// The poller against a real Modbus/TCP peer on loopback (`ModbusPeer`).
@Suite(.serialized) struct MeterPollerTests {
    /// Every event the poller yields, gathered by a task, waited on with a deadline.
    final class Events: Sendable {
        final class Log: Sendable {
            let events = Mutex<[BoardEvent]>([])
        }

        private let log = Log()
        let continuation: AsyncStream<BoardEvent>.Continuation
        private let task: Task<Void, Never>

        init() {
            let (stream, continuation) = AsyncStream.makeStream(of: BoardEvent.self)
            self.continuation = continuation
            let log = log
            task = Task { for await event in stream { log.events.withLock { $0.append(event) } } }
        }

        var seen: [BoardEvent] { log.events.withLock { $0 } }

        deinit { task.cancel() }

        /// The first event after the first `skip` that matches, within `seconds`.
        func first(after skip: Int = 0, within seconds: Double = 10, where matches: (BoardEvent) -> Bool) async -> (BoardEvent, Int)? {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                let found = log.events.withLock { events -> (BoardEvent, Int)? in
                    guard events.count > skip else { return nil }
                    return events[skip...].enumerated().first { matches($0.element) }.map { ($0.element, skip + $0.offset) }
                }
                if let found { return found }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }
    }

    static func settings(port: Int, map: String = "eastron-sdm630", unit: Int = 1) throws -> MeterSettings {
        var settings = MeterSettings(
            connector: 1, transport: .tcp(host: "127.0.0.1", port: port), unit: unit,
            map: try RegisterMap.load(path: RegisterMapTests.folder + map + ".toml"))
        settings.pollMilliseconds = 200
        settings.timeoutMilliseconds = 100
        settings.retries = 1
        settings.failuresBeforeFault = 2
        return settings
    }

    static func chargingCar(_ peer: ModbusPeer, energyKilowattHours: Float = 1234.5) {
        for (address, volts) in [(0x00, 230.5), (0x02, 231.0), (0x04, 229.5)] as [(Int, Float)] { peer.setFloat(address, volts) }
        for address in [0x06, 0x08, 0x0A] { peer.setFloat(address, 16) }
        peer.setFloat(0x34, 11_040)
        peer.setFloat(0x46, 50)
        peer.setFloat(0x48, energyKilowattHours)
        peer.state.withLock { $0.holdings[0xFC00] = [0x00BC, 0x614E] }
    }

    private func isReading(_ event: BoardEvent) -> Bool {
        if case .meterReading = event { true } else { false }
    }

    private func isFault(_ event: BoardEvent, active: Bool) -> Bool {
        event == .fault(connector: 1, fault: .powerMeterFailure, active: active)
    }

    @Test func readingsArriveWithEveryValueAndTheSerial() async throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        let events = Events()
        let poller = try MeterPoller(settings: [try Self.settings(port: peer.port)], continuation: events.continuation)
        defer { poller.stop() }

        let (event, _) = try #require(await events.first(where: isReading))
        guard case .meterReading(let connector, let reading) = event else { return }
        #expect(connector == 1)
        #expect(reading.energyWattHours == 1_234_500)
        #expect(reading.powerWatts == 11_040)
        #expect(reading.voltageVolts == [230.5, 231.0, 229.5])
        #expect(reading.currentAmperes == [16, 16, 16])
        #expect(reading.frequencyHertz == 50)
        #expect(reading.serial == "12345678")
        let counters = try #require(poller.counters(connector: 1))
        #expect(counters.successes >= 1 && counters.timeouts == 0 && counters.otherErrors == 0)

        // The register moves like a charging car: the next readings follow it.
        peer.setFloat(0x48, 1235.5)
        #expect(await events.first { event in
            if case .meterReading(_, let reading) = event { reading.energyWattHours == 1_235_500 } else { false }
        } != nil)
        #expect(poller.signs(connector: 1) == false)
    }

    @Test func statusTellsWhereTheMeterIsWhatItReadAndWhatPollingMet() async throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        let lines = Mutex<[String]>([])
        let events = Events()
        let poller = try MeterPoller(
            settings: [try Self.settings(port: peer.port)], continuation: events.continuation,
            log: { level, text in if level == .info { lines.withLock { $0.append(text) } } })
        defer { poller.stop() }
        #expect(poller.status(connector: 2) == nil)
        _ = try #require(await events.first(where: isReading))

        let status = try #require(poller.status(connector: 1))
        #expect(status.settings.address == "modbus-tcp 127.0.0.1:\(peer.port) unit 1")
        #expect(status.settings.mapName == "eastron-sdm630")
        #expect(status.serial == "12345678" && !status.signs)
        #expect(status.lastReading?.energyWattHours == 1_234_500 && status.lastReading?.powerWatts == 11_040)
        #expect(status.lastReadingAgeMilliseconds.map { $0 >= 0 } == true)
        #expect(status.counters.successes >= 1 && !status.powerMeterFailure)
        // One line of identity when polling starts, not one per cycle.
        _ = try #require(await events.first(after: 2, where: isReading))
        let identity = lines.withLock { $0 }.filter { $0.hasPrefix("meter 1:") }
        #expect(identity == ["meter 1: modbus-tcp 127.0.0.1:\(peer.port) unit 1, map eastron-sdm630, serial 12345678, does not sign"])
    }

    @Test func aMeterWithoutTheSerialRegisterIsReadWithoutASerial() async throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        peer.state.withLock { $0.refused = [0xFC00] }
        let events = Events()
        let poller = try MeterPoller(settings: [try Self.settings(port: peer.port)], continuation: events.continuation)
        defer { poller.stop() }
        let (event, _) = try #require(await events.first(where: isReading))
        guard case .meterReading(_, let reading) = event else { return }
        #expect(reading.serial == nil && reading.energyWattHours == 1_234_500)
        #expect(poller.counters(connector: 1)?.otherErrors == 2)  // the serial read and its retry
    }

    @Test func aSilentMeterFaultsTheConnectorAndRecoversWhenItAnswers() async throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        let events = Events()
        let poller = try MeterPoller(settings: [try Self.settings(port: peer.port)], continuation: events.continuation)
        defer { poller.stop() }
        _ = try #require(await events.first(where: isReading))

        peer.state.withLock { $0.silent = true }
        let (_, faultAt) = try #require(await events.first { isFault($0, active: true) })
        let faulted = try #require(poller.counters(connector: 1))
        #expect(faulted.timeouts >= 4)  // two cycles, each one try and one retry
        #expect(faulted.retries >= 2)
        #expect(faulted.consecutiveFailures >= 2)
        #expect(poller.status(connector: 1)?.powerMeterFailure == true)

        peer.state.withLock { $0.silent = false }
        let (_, clearedAt) = try #require(await events.first(after: faultAt) { isFault($0, active: false) })
        // Once, not once per failed cycle.
        #expect(events.seen.filter { isFault($0, active: true) }.count == 1)
        // The all-clear comes before the recovered meter's first reading, so what
        // that reading sets off goes out with the connector's real status.
        #expect(await events.first(after: faultAt, where: isReading).map { $0.1 == clearedAt + 1 } == true)
        #expect(poller.counters(connector: 1)?.consecutiveFailures == 0)
        #expect(poller.status(connector: 1)?.powerMeterFailure == false)
    }

    @Test func theWrongUnitIdIsAFaultCountedAsRefusals() async throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        let events = Events()
        let poller = try MeterPoller(settings: [try Self.settings(port: peer.port, unit: 5)], continuation: events.continuation)
        defer { poller.stop() }

        _ = try #require(await events.first { isFault($0, active: true) })
        let counters = try #require(poller.counters(connector: 1))
        #expect(counters.otherErrors >= 2 && counters.timeouts == 0 && counters.successes == 0)
        #expect(events.seen.contains(where: isReading) == false)
    }

    @Test func aSignedReadingThroughTheOCMFBlock() async throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        let key = "3059301306072A8648CE3D020106082A8648CE3D03010703420004" + String(repeating: "AB", count: 64)
        peer.setText(0x1600, "CPX-0001", registers: 16)
        peer.state.withLock {
            $0.holdings[0x1500] = [UInt16(key.utf8.count)]
            $0.sign = { idTag, tx in
                #"OCMF|{"FV":"1.0","GI":"Chargeplex","MS":"CPX-0001","IT":"ISO14443","ID":"\#(idTag)","RD":[{"TX":"\#(tx)","RV":1234.5,"RU":"kWh"}]}|{"SA":"ECDSA-secp256r1-SHA256","SD":"3045"}"#
            }
        }
        peer.setText(0x1501, key, registers: 91)
        let events = Events()
        let poller = try MeterPoller(
            settings: [try Self.settings(port: peer.port, map: "chargeplex-ocmf")], continuation: events.continuation)
        defer { poller.stop() }
        let (event, _) = try #require(await events.first(where: isReading))
        guard case .meterReading(_, let reading) = event else { return }
        #expect(reading.serial == "CPX-0001")
        #expect(poller.signs(connector: 1) && poller.publicKey(connector: 1) == key)

        let begin = try #require(await poller.signedReading(connector: 1, context: .transactionBegin, idTag: "04A2B3C4D5"))
        #expect(begin.context == .transactionBegin)
        #expect(begin.data.hasPrefix(#"OCMF|{"FV":"1.0","GI":"Chargeplex","MS":"CPX-0001","IT":"ISO14443","ID":"04A2B3C4D5","RD":[{"TX":"B""#))
        #expect(begin.data.hasSuffix(#"|{"SA":"ECDSA-secp256r1-SHA256","SD":"3045"}"#))
        #expect(begin.energyWattHours == 1_234_500)
        let end = try #require(await poller.signedReading(connector: 1, context: .transactionEnd, idTag: nil))
        #expect(end.data.contains(#""TX":"E""#))
        #expect(peer.state.withLock { $0.commands } == [1, 3])

        // A meter that does not answer gives no signed reading, within its time-outs.
        peer.state.withLock { $0.silent = true }
        _ = try #require(await events.first { isFault($0, active: true) })
        #expect(await poller.signedReading(connector: 1, context: .transactionEnd, idTag: nil) == nil)
        #expect(await poller.signedReading(connector: 2, context: .transactionEnd, idTag: nil) == nil)
    }

    @Test func meterCheckReadsTheWholeMapOnceOrSaysWhy() throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        let check = MeterCheck.run(try Self.settings(port: peer.port))
        #expect(check.failure == nil && check.serial == "12345678")
        #expect(check.values.count == 9 && check.values.allSatisfy { $0.value != nil })
        let text = check.lines.joined(separator: "\n")
        #expect(text.hasPrefix("meter 1: Eastron SDM630, unit 1 on tcp 127.0.0.1:\(peer.port)\n  serial: 12345678\n"))
        #expect(text.contains("Energy.Active.Import.Register  1234500 Wh   [fc 4 0x0048 float32 ×1 kWh]"))
        #expect(text.contains("Voltage L1-N                   230.5 V"))
        #expect(text.contains("cycles=1 ok=1 timeouts=0 crc=0 errors=0 retries=0 rejected=0"))

        let wrongUnit = MeterCheck.run(try Self.settings(port: peer.port, unit: 9))
        #expect(wrongUnit.failure?.hasPrefix("refused: ") == true)
        #expect(wrongUnit.lines.contains { $0.contains("errors=2 retries=1") })
    }

    @Test func stopAnswersWaitingSignedReadingsAndEndsThePolling() async throws {
        let peer = try ModbusPeer()
        defer { peer.stop() }
        Self.chargingCar(peer)
        let events = Events()
        let poller = try MeterPoller(
            settings: [try Self.settings(port: peer.port, map: "chargeplex-ocmf")], continuation: events.continuation)
        _ = try #require(await events.first(where: isReading))
        poller.stop()
        let requests = peer.state.withLock { $0.requests }
        #expect(await poller.signedReading(connector: 1, context: .sample, idTag: nil) == nil)
        poller.stop()
        #expect(peer.state.withLock { $0.requests } == requests)
    }
}
