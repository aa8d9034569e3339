import Link
import OCPP16
import Testing

/// A CALL whose handling stops the link, as Reset stops the charger: the
/// Central System reads the answer before the close frame.
@Suite(.timeLimit(.minutes(3))) struct ShutdownTests {
    /// Lets a call handler reach the link it belongs to, created after it.
    actor Stopper {
        var link: Link?
        func attach(_ link: Link) { self.link = link }

        /// Asks for the shutdown and returns at once, as the charge point
        /// asks the daemon for a restart and then answers.
        func requestShutdown() {
            guard let link else { return }
            Task { await link.shutdown() }
        }
    }

    @Test func theAnswerToACallThatStopsTheLinkPrecedesTheCloseFrame() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let stopper = Stopper()
        let link = try Link(configuration: .test(url: cs.url()), onCall: { call in
            await stopper.requestShutdown()
            return .callResult(CallResult(messageId: call.messageId, response: ResetResponse(status: .accepted)))
        })
        await stopper.attach(link)
        // Each round is one connection ended by its own Reset.
        for round in 0..<30 {
            let mark = await cs.mark
            let running = await RunningLink.start(link)
            try await running.waitUntilOpen()
            try await cs.expect("connected", from: mark)
            cs.send(["send": "Reset", "payload": ["type": "Soft"], "id": .string("reset-\(round)")])
            let (closed, _) = try await cs.expect("disconnected", from: mark)
            // The Central System logs each message as it reads it, the close last.
            let answers = await cs.process.log.entries[mark..<closed].filter {
                $0.event == "callResult" && $0["id"]?.stringValue == "reset-\(round)"
            }
            #expect(answers.map { $0["payload"]?["status"]?.stringValue } == ["Accepted"], "round \(round)")
            await running.stop()
        }
    }
}
