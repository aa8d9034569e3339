import Link
import OCPP16
import Testing

/// A Central System that breaks the rules: the link refuses or closes, reconnects, and loses
/// nothing it had queued.
@Suite(.timeLimit(.minutes(3))) struct HostileServerTests {
    @Test func refusesAServerWithoutTheSubprotocol() async throws {
        let cs = try await CentralSystemPeer.start(["--no-subprotocol"])
        defer { cs.kill() }
        let running = await RunningLink.start(try Link(configuration: .test(url: cs.url())))
        let (_, reason) = try await running.waitForBackoff()
        #expect(reason.contains("did not accept subprotocol ocpp1.6"))
        await running.stop()
    }

    /// The scenario every misbehaviour goes through: five queued messages, the first one in
    /// flight (the server ignores it) when the server misbehaves; afterwards all five arrive,
    /// in order, on the next connection.
    func survive(
        closeCode: Int?, reason: String, _ misbehave: @Sendable (CentralSystemPeer) async throws -> Void
    ) async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        try await cs.perform(["ignore": "DataTransfer", "times": 1])
        let outbox = InMemoryOutbox(dataTransfers: 5)
        let outcomes = OutcomeRecorder()
        var configuration = LinkConfiguration.test(url: cs.url())
        configuration.maximumMessageSize = 4096
        let link = try Link(configuration: configuration, outbox: outbox, onOutboxOutcome: outcomes.handler)
        let running = await RunningLink.start(link)
        try await cs.expect("call") { $0["action"]?.stringValue == "DataTransfer" }

        try await misbehave(cs)

        let (closed, disconnected) = try await cs.expect("disconnected")
        if let closeCode { #expect(disconnected["code"] == .integer(Int64(closeCode))) }
        let (_, why) = try await running.waitForBackoff()
        #expect(why.contains(reason))
        let (reconnected, _) = try await cs.expect("connected", from: closed)
        try await outcomes.waitForDelivery(of: "4")

        let redelivered = try await cs.dataTransfers(from: reconnected, through: "4")
        #expect(redelivered == ["0", "1", "2", "3", "4"])
        #expect(await outcomes.delivered == ["0", "1", "2", "3", "4"])
        try await outbox.waitUntilEmpty()
        await running.stop()
    }

    @Test func aFloodOfCallsIsRefusedBeyondTheWaitingLimit() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let gate = Gate()
        let link = try Link(configuration: .test(url: cs.url()), onCall: { call in
            await gate.pass()
            return .callResult(CallResult(messageId: call.messageId, response: GetLocalListVersionResponse(listVersion: 7)))
        })
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        let mark = await cs.mark

        let sent = 40
        for index in 0..<sent {
            cs.send(["raw": .string(#"[2,"flood-\#(index)","GetLocalListVersion",{}]"#)])
        }
        // Frames are taken in order: once the last one is refused, every one
        // before it was either refused or is waiting.
        try await cs.expect("callError", from: mark) { $0["id"]?.stringValue == "flood-\(sent - 1)" }
        await gate.open()
        let waiting = sent - Link.maximumWaitingCalls - 1
        try await cs.expect("callResult", from: mark) { $0["id"]?.stringValue == "flood-\(Link.maximumWaitingCalls - 1)" }

        let entries = await cs.process.log.entries[mark...]
        let refused = Set(entries.filter { $0.event == "callError" }.compactMap { $0["id"]?.stringValue })
        let answered = Set(entries.filter { $0.event == "callResult" }.compactMap { $0["id"]?.stringValue })
        // The first calls are all answered, the rest refused, none both.
        #expect(refused.isDisjoint(with: answered))
        #expect((0..<Link.maximumWaitingCalls).allSatisfy { answered.contains("flood-\($0)") })
        #expect(refused.count >= waiting && refused.count <= waiting + 1)
        #expect(entries.filter { $0.event == "callError" }.allSatisfy { $0["code"]?.stringValue == "GenericError" })
        // The link stays open and usable.
        #expect(await link.state == LinkState.open)
        await running.stop()
    }

    /// Stopping the charger is not held up by a server that takes the TCP
    /// connection and never answers the upgrade (the opening timeout is ten
    /// minutes here; the deadline is only the safety net of a hung test).
    @Test func shutdownDoesNotWaitForAnUnansweredUpgrade() async throws {
        let script = """
            import socket, sys
            server = socket.socket()
            server.bind(("127.0.0.1", 0))
            server.listen()
            print(server.getsockname()[1], flush=True)
            connection, _ = server.accept()
            print("accepted", flush=True)
            sys.stdin.read()
            """
        let silent = try PeerProcess(name: "silent server", executable: "/usr/bin/env", arguments: ["python3", "-u", "-c", script])
        defer { silent.kill() }
        let (_, port) = try await silent.expect("listening port") { Int($0.text) != nil }
        var configuration = LinkConfiguration.test(url: "ws://127.0.0.1:\(port.text)/ocpp")
        configuration.openingTimeout = .seconds(600)
        let link = try Link(configuration: configuration)
        let running = await RunningLink.start(link)
        try await silent.expect("connection accepted") { $0.text == "accepted" }
        try await withDeadline(.seconds(60), "shutdown while the upgrade is unanswered") { await running.stop() }
        #expect(await link.state == LinkState.closed)
    }

    @Test func oversizedMessageClosesWith1009() async throws {
        try await survive(closeCode: 1009, reason: "larger than 4096 bytes") { cs in
            let payload = String(repeating: "y", count: 5000)
            cs.send(["raw": .string(#"[2,"big-1","DataTransfer",{"vendorId":"x","data":"\#(payload)"}]"#)])
        }
    }

    @Test func oversizedFragmentedMessageClosesWith1009() async throws {
        try await survive(closeCode: 1009, reason: "larger than 4096 bytes") { cs in
            let part = String(repeating: "z", count: 2000)
            try await cs.perform(["fragments": [#"[2,"big-2","DataTransfer",{"vendorId":"x","data":""#, .string(part), .string(part), .string(part), #""}]"#]])
        }
    }

    @Test func binaryFrameClosesWith1003() async throws {
        try await survive(closeCode: 1003, reason: "binary frame") { cs in
            try await cs.perform(["binary": "5b322c2278222c22486561727462656174222c7b7d5d"])
        }
    }

    @Test func textThatIsNotUTF8ClosesWith1007() async throws {
        try await survive(closeCode: 1007, reason: "not valid UTF-8") { cs in
            // A whole text frame whose message holds 0xC3 0x28: a two-byte sequence cut short.
            let message = Array(#"[2,"u8","DataTransfer",{"vendorId":""#.utf8) + [0xC3, 0x28] + Array(#""}]"#.utf8)
            let frame = [0x81, UInt8(message.count)] + message
            try await cs.perform(["bytes": .string(frame.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined())])
        }
    }

    @Test func garbageBytesCloseTheConnection() async throws {
        try await survive(closeCode: 1002, reason: "reserved bits") { cs in
            // Reserved bits and an undefined opcode: no frame this link agreed to.
            try await cs.perform(["bytes": "f3050123456789"])
        }
    }

    @Test func closingMidFrameIsSurvived() async throws {
        try await survive(closeCode: nil, reason: "the server closed the connection") { cs in
            // A text frame announcing 200 bytes, 6 of them sent, then the TCP connection dropped.
            try await cs.perform(["bytes": "817e00c85b322c227831", "abort": true])
        }
    }

    @Test func aServerThatStopsListeningIsDetectedByPing() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        var configuration = LinkConfiguration.test(url: cs.url())
        configuration.pingInterval = .milliseconds(200)
        let running = await RunningLink.start(try Link(configuration: configuration))
        try await running.waitUntilOpen()
        try await cs.perform(["deaf": true])
        let (down, reason) = try await running.waitForBackoff()
        #expect(reason.contains("no pong"))
        try await running.waitUntilOpen(from: down)
        await running.stop()
    }

    @Test func aServerCloseIsAnsweredAndSurvived() async throws {
        try await survive(closeCode: 4000, reason: "code 4000: maintenance") { cs in
            try await cs.perform(["close": 4000, "reason": "maintenance"])
        }
    }
}

/// Holds callers until it is opened.
private actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func pass() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for caller in waiting { caller.resume() }
        waiting = []
    }
}
