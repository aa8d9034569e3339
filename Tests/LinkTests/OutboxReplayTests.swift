import Foundation
import Link
import OCPP16
import Store
import Testing

/// The durable queue is delivered in order, once per CALLRESULT, with retries.
@Suite(.timeLimit(.minutes(3))) struct OutboxReplayTests {
    @Test func replaysAThousandMessagesInOrder() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let outbox = InMemoryOutbox(dataTransfers: 1000)
        let outcomes = OutcomeRecorder()
        let link = try Link(configuration: .test(url: cs.url()), outbox: outbox, onOutboxOutcome: outcomes.handler)
        let running = await RunningLink.start(link)
        try await outcomes.waitForDelivery(of: "999", timeout: .seconds(120))

        let expected = (0..<1000).map { "\($0)" }
        let received = try await cs.dataTransfers(through: "999")
        #expect(received == expected)
        #expect(await outcomes.delivered == expected)
        try await outbox.waitUntilEmpty()
        #expect(await outbox.removed == Array(1...1000))
        await running.stop()
    }

    @Test func replaysTheStoreQueueInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargeplex-link-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try Database(path: directory.appendingPathComponent("store.sqlite").path)
        let queue = try MessageQueue(database: database, capacityPerOperator: 2000)
        for index in 0..<1000 {
            let payload = Array(#"{"vendorId":"org.chargeplex.test","data":"\#(index)"}"#.utf8)
            try queue.enqueue(operator: "billing", action: "DataTransfer", payload: payload, kind: .other, transactionRef: nil, at: 0)
        }
        try queue.enqueue(operator: "other", action: "DataTransfer", payload: Array(#"{"vendorId":"x"}"#.utf8), kind: .other, transactionRef: nil, at: 0)

        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let outcomes = OutcomeRecorder()
        let link = try Link(
            configuration: .test(url: cs.url()), outbox: MessageQueueOutbox(queue: queue, operatorName: "billing"),
            onOutboxOutcome: outcomes.handler)
        let running = await RunningLink.start(link)
        try await outcomes.waitForDelivery(of: "999", timeout: .seconds(120))
        await running.stop()

        let received = try await cs.dataTransfers(through: "999")
        #expect(received == (0..<1000).map { "\($0)" })
        #expect(try queue.count(operator: "billing") == 0)
        #expect(try queue.count(operator: "other") == 1, "another operator's queue is not touched")
    }

    @Test func retriesACallErrorThenDelivers() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        try await cs.perform(["fail": "DataTransfer", "times": 2])
        let outbox = InMemoryOutbox(dataTransfers: 3)
        let outcomes = OutcomeRecorder()
        let link = try Link(configuration: .test(url: cs.url()), outbox: outbox, onOutboxOutcome: outcomes.handler)
        let running = await RunningLink.start(link)
        try await outcomes.waitForDelivery(of: "2")

        let received = try await cs.dataTransfers(through: "2")
        #expect(received == ["0", "0", "0", "1", "2"])
        #expect(await outcomes.delivered == ["0", "1", "2"])
        await running.stop()
    }

    @Test func givesUpAfterTheConfiguredAttempts() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        try await cs.perform(["fail": "DataTransfer", "times": 3])
        let outbox = InMemoryOutbox(dataTransfers: 2)
        let outcomes = OutcomeRecorder()
        var configuration = LinkConfiguration.test(url: cs.url())
        configuration.transactionMessageAttempts = 3
        let link = try Link(configuration: configuration, outbox: outbox, onOutboxOutcome: outcomes.handler)
        let running = await RunningLink.start(link)
        try await outcomes.waitForDelivery(of: "1")

        #expect(await outcomes.abandoned == ["0"])
        #expect(await outcomes.delivered == ["1"])
        try await outbox.waitUntilEmpty()
        await running.stop()
    }

    /// The link shuts down while the drain is reading an (empty) outbox: the
    /// read ends after the connection did, and stopping must not wait for it.
    @Test func shutdownDuringAnOutboxReadEnds() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        let outbox = HeldOutbox()
        let link = try Link(configuration: .test(url: cs.url()), outbox: outbox)
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        await outbox.waitUntilReading()
        let stopping = Task { await running.stop() }
        // Once a call says "not open", the link has taken in the connection's end.
        try await withDeadline(.seconds(60), "the connection's end") {
            while true {
                do throws(LinkError) {
                    _ = try await link.call(HeartbeatRequest())
                } catch {
                    if error == .notOpen { return }
                }
            }
        }
        await outbox.release()
        try await withDeadline(.seconds(60), "shutdown after the outbox read") { await stopping.value }
    }

    @Test func anUnansweredMessageIsRetriedAfterItsTimeout() async throws {
        let cs = try await CentralSystemPeer.start()
        defer { cs.kill() }
        try await cs.perform(["ignore": "DataTransfer", "times": 1])
        var configuration = LinkConfiguration.test(url: cs.url())
        configuration.callTimeout = .milliseconds(500)
        let outcomes = OutcomeRecorder()
        let link = try Link(configuration: configuration, outbox: InMemoryOutbox(dataTransfers: 2), onOutboxOutcome: outcomes.handler)
        let running = await RunningLink.start(link)
        try await outcomes.waitForDelivery(of: "1")

        let received = try await cs.dataTransfers(through: "1")
        #expect(received == ["0", "0", "1"])
        #expect(await outcomes.delivered == ["0", "1"])
        await running.stop()
    }
}

/// An empty outbox whose first read is held until the test releases it.
private actor HeldOutbox: DurableOutbox {
    private var held: CheckedContinuation<Void, Never>?
    private var readers: [CheckedContinuation<Void, Never>] = []
    private var released = false

    func peek() async throws -> OutboxMessage? {
        if !released {
            for reader in readers { reader.resume() }
            readers = []
            await withCheckedContinuation { held = $0 }
        }
        return nil
    }

    func waitUntilReading() async {
        guard held == nil else { return }
        await withCheckedContinuation { readers.append($0) }
    }

    func release() {
        released = true
        held?.resume()
        held = nil
    }

    func remove(_ message: OutboxMessage) async throws {}
    func recordAttempt(_ message: OutboxMessage) async throws -> Int { 1 }
}
