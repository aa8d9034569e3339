import Link
import OCPP16
import Testing

/// A link to the Python Central System over ws://: CALLs both ways and the rules around them.
@Suite(.timeLimit(.minutes(3))) struct PlainLinkTests {
    static let acceptRemoteStart: Link.CallHandler = { call in
        guard call.action == "RemoteStartTransaction" else { return await Link.notImplemented(call) }
        return .callResult(CallResult(messageId: call.messageId, response: RemoteStartTransactionResponse(status: .accepted)))
    }

    @Test func exchangesCallsBothWaysAndClosesWithAHandshake() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let link = try Link(configuration: .test(url: cs.url(), chargePointId: "CP 1/é"), onCall: Self.acceptRemoteStart)
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()

        let (_, connected) = try await cs.expect("connected")
        #expect(connected["chargePointId"]?.stringValue == "CP 1/é")
        #expect(connected["subprotocol"]?.stringValue == "ocpp1.6")
        #expect(connected["authorization"]?.stringValue == "none")

        let boot = try await link.call(BootNotificationRequest(chargePointVendor: "Chargeplex", chargePointModel: "Test"))
        #expect(boot.status == .accepted)
        #expect(boot.interval == 300)
        let (_, bootCall) = try await cs.expect("call") { $0["action"]?.stringValue == "BootNotification" }
        #expect(bootCall["payload"]?["chargePointVendor"]?.stringValue == "Chargeplex")

        var mark = await cs.mark
        cs.send(["send": "RemoteStartTransaction", "payload": ["idTag": "TAG-1"]])
        let (_, started) = try await cs.expect("answer", from: mark)
        #expect(started["payload"]?["status"]?.stringValue == "Accepted")
        #expect(started["invalid"] == nil)

        mark = await cs.mark
        cs.send(["send": "GetLocalListVersion", "payload": [:]])
        let (_, refused) = try await cs.expect("answer", from: mark)
        #expect(refused["error"]?["code"]?.stringValue == "NotImplemented")

        await running.stop()
        let (_, disconnected) = try await cs.expect("disconnected")
        #expect(disconnected["code"] == .integer(1000))
        #expect(await link.state == .closed)
    }

    @Test func callErrorIsThrownToTheCaller() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let link = try Link(configuration: .test(url: cs.url()))
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        try await cs.perform(["fail": "Heartbeat", "times": 1, "code": "NotSupported", "description": "not today"])

        do {
            _ = try await link.call(HeartbeatRequest())
            Issue.record("a CALLERROR must be thrown")
        } catch {
            guard case .callError(let callError) = error else {
                Issue.record("expected a CALLERROR, got \(error)")
                return
            }
            #expect(callError.errorCode == .notSupported)
            #expect(callError.errorDescription == "not today")
        }
        // The link is still usable afterwards.
        _ = try await link.call(HeartbeatRequest())
        await running.stop()
    }

    @Test func answersTheServersCallWhileOurCallIsPending() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let link = try Link(configuration: .test(url: cs.url()), onCall: Self.acceptRemoteStart)
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        try await cs.perform(["ignore": "Heartbeat", "times": 1])

        let heartbeat = Task { try await link.call(HeartbeatRequest()) }
        let (_, pending) = try await cs.expect("call") { $0["action"]?.stringValue == "Heartbeat" }
        let heartbeatId = try #require(pending["id"]?.stringValue)

        let mark = await cs.mark
        cs.send(["send": "RemoteStartTransaction", "payload": ["idTag": "TAG-2"]])
        let (_, answer) = try await cs.expect("answer", from: mark)
        #expect(answer["payload"]?["status"]?.stringValue == "Accepted")

        // Only now does our Heartbeat get its answer: it was outstanding all along.
        let now = OCPPDateTime(secondsSince1970: 1_700_000_000)
        cs.send(["raw": .string(Frame.callResult(CallResult(messageId: heartbeatId, response: HeartbeatResponse(currentTime: now))).text)])
        let response = try await heartbeat.value
        #expect(response.currentTime == now)
        await running.stop()
    }

    @Test func callsGoOutOneAtATime() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let link = try Link(configuration: .test(url: cs.url()))
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        try await cs.perform(["ignore": "DataTransfer", "times": 1])

        let callers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        _ = try await link.call(
                            action: "DataTransfer",
                            payload: JSONObject([("vendorId", "org.chargeplex.test"), ("data", .string("\(index)"))]))
                    }
                }
                try await group.waitForAll()
            }
        }
        // The first CALL out is left unanswered: nothing else may follow it meanwhile.
        let (_, first) = try await cs.expect("call") { $0["action"]?.stringValue == "DataTransfer" }
        let mark = await cs.mark
        cs.send(["ping": "meanwhile"])
        try await cs.expect("pong", from: mark)
        #expect(await cs.calls("DataTransfer").count == 1)

        let firstId = try #require(first["id"]?.stringValue)
        cs.send(["raw": .string(#"[3,"\#(firstId)",{"status":"Accepted"}]"#)])
        try await withDeadline(.seconds(30), "the 20 calls") { try await callers.value }
        // The peer printed each CALL before answering it; a later line proves they are all in.
        let end = await cs.mark
        cs.send(["ping": "after"])
        try await cs.expect("pong", from: end)
        let calls = await cs.calls("DataTransfer")
        #expect(calls.count == 20)
        #expect(Set(calls.compactMap { $0["payload"]?["data"]?.stringValue }).count == 20)
        #expect(Set(calls.compactMap { $0["id"]?.stringValue }).count == 20, "message ids are unique")
        await running.stop()
    }

    @Test func callTimeoutSurfacesAndTheLinkCarriesOn() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        var configuration = LinkConfiguration.test(url: cs.url())
        configuration.callTimeout = .milliseconds(500)
        let link = try Link(configuration: configuration)
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        try await cs.perform(["ignore": "Heartbeat", "times": 1])

        do {
            _ = try await link.call(HeartbeatRequest())
            Issue.record("an unanswered CALL must time out")
        } catch {
            #expect(error == .timedOut(action: "Heartbeat", after: .milliseconds(500)))
        }
        _ = try await link.call(HeartbeatRequest())
        await running.stop()
    }

    @Test func malformedFramesGetTheirCallErrorOrAreDropped() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let link = try Link(configuration: .test(url: cs.url()), onCall: Self.acceptRemoteStart)
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        let mark = await cs.mark

        cs.send(["raw": #"[2,"short-1","Heartbeat"]"#])
        cs.send(["raw": "this is not JSON"])
        cs.send(["raw": #"[3,"nobody-asked",{}]"#])
        cs.send(["raw": #"[4,"nobody-asked-either","GenericError","",{}]"#])
        // Messages are handled in order: once this is answered, the ones above were too.
        cs.send(["raw": #"[2,"after-1","RemoteStartTransaction",{"idTag":"TAG-3"}]"#])
        let (end, _) = try await cs.expect("callResult", from: mark) { $0["id"]?.stringValue == "after-1" }

        let errors = await cs.process.log.entries[mark..<end].filter { $0.event == "callError" }
        #expect(errors.count == 1)
        #expect(errors.first?["id"]?.stringValue == "short-1")
        #expect(errors.first?["code"]?.stringValue == "ProtocolError")
        // Our own calls are unaffected by the stray answers.
        _ = try await link.call(HeartbeatRequest())
        await running.stop()
    }

    @Test func reassemblesFragmentsAndAnswersPings() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let link = try Link(configuration: .test(url: cs.url()), onCall: Self.acceptRemoteStart)
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        let mark = await cs.mark

        try await cs.perform(["fragments": [#"[2,"frag-1","RemoteStart"#, #"Transaction",{"idTag""#, #":"FRAG"}]"#]])
        let (_, result) = try await cs.expect("callResult", from: mark) { $0["id"]?.stringValue == "frag-1" }
        #expect(result["payload"]?["status"]?.stringValue == "Accepted")

        cs.send(["ping": "are you there"])
        let (_, pong) = try await cs.expect("pong", from: mark)
        #expect(pong["data"]?.stringValue == "are you there")
        await running.stop()
    }

    @Test func callsFailFastWhileClosed() async throws {
        let link = try Link(configuration: .test(url: "ws://127.0.0.1:9/ocpp"))
        do {
            _ = try await link.call(HeartbeatRequest())
            Issue.record("nothing is open")
        } catch {
            #expect(error == .notOpen)
        }
    }
}
