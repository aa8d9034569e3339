import Link
import OCPP16
import Testing

/// The link survives its Central System going away and coming back.
@Suite(.timeLimit(.minutes(3))) struct ReconnectTests {
    @Test func reconnectsToARestartedServerAndBootsFirstEachTime() async throws {
        var cs = try await CentralSystemPeer.start()
        let port = cs.port
        let outbox = InMemoryOutbox(dataTransfers: 3)
        let outcomes = OutcomeRecorder()
        let link = try Link(
            configuration: .test(url: cs.url()), outbox: outbox,
            onOpen: { opening in
                let boot = try await opening.call(BootNotificationRequest(chargePointVendor: "Chargeplex", chargePointModel: "R"))
                guard boot.status == .accepted else { throw LinkError.openHandlerFailed("registration \(boot.status)") }
            },
            onOutboxOutcome: outcomes.handler)
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        try await outcomes.waitForDelivery(of: "2")

        // A crash of the Central System: no close frame, no FIN handshake from its side.
        var mark = await running.mark
        cs.kill()
        let (down, reason) = try await running.waitForBackoff(from: mark)
        #expect(!reason.isEmpty)
        await outbox.append(dataTransfers: 3..<6)
        await link.outboxChanged()
        do {
            _ = try await link.call(HeartbeatRequest())
        } catch {
            #expect(error == .notOpen)
        }

        cs = try await CentralSystemPeer.start(port: port)
        defer { cs.kill() }
        mark = await running.mark
        try await running.waitUntilOpen(from: max(mark, down))
        try await outcomes.waitForDelivery(of: "5")

        let (lastIndex, _) = try await cs.expect("call") { $0["payload"]?["data"]?.stringValue == "5" }
        let calls = await cs.process.log.entries[...lastIndex].filter { $0.event == "call" }
        #expect(calls.first?["action"]?.stringValue == "BootNotification")
        #expect(calls.dropFirst().compactMap { $0["payload"]?["data"]?.stringValue } == ["3", "4", "5"])
        #expect(await outcomes.delivered == ["0", "1", "2", "3", "4", "5"])
        try await outbox.waitUntilEmpty()
        await running.stop()
    }

    @Test func bootNotificationGoesBeforeCallsMadeWhileOpening() async throws {
        let cs = try await CentralSystemPeer.start(["--boot-status", "Accepted"])
        defer { cs.kill() }
        // The hook waits for a go-ahead so other callers pile up behind it meanwhile.
        let gate = EventLog<Bool>()
        let link = try Link(
            configuration: .test(url: cs.url()), outbox: InMemoryOutbox(dataTransfers: 2),
            onOpen: { opening in
                _ = try await gate.first { $0 }
                _ = try await opening.call(BootNotificationRequest(chargePointVendor: "Chargeplex", chargePointModel: "B"))
            })
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        let waiting = Task { try await link.call(HeartbeatRequest()) }
        await gate.append(true)
        _ = try await waiting.value

        let (_, heartbeat) = try await cs.expect("call") { $0["action"]?.stringValue == "Heartbeat" }
        let first = await cs.process.log.entries.first { $0.event == "call" }
        #expect(first?["action"]?.stringValue == "BootNotification")
        #expect(heartbeat["action"]?.stringValue == "Heartbeat")
        await running.stop()
    }

    @Test func aFailingOpeningHookClosesAndRetries() async throws {
        let cs = try await CentralSystemPeer.start(["--boot-status", "Rejected"])
        defer { cs.kill() }
        let link = try Link(
            configuration: .test(url: cs.url()),
            onOpen: { opening in
                let boot = try await opening.call(BootNotificationRequest(chargePointVendor: "Chargeplex", chargePointModel: "R"))
                guard boot.status == .accepted else { throw LinkError.openHandlerFailed("registration \(boot.status)") }
            })
        let running = await RunningLink.start(link)
        let (first, reason) = try await running.waitForBackoff()
        #expect(reason.contains("registration rejected"))
        // It keeps trying: a second connection and a second BootNotification.
        try await running.waitUntilOpen(from: first)
        try await cs.expect("connected", from: (try await cs.expect("disconnected")).index)
        await running.stop()
    }
}
