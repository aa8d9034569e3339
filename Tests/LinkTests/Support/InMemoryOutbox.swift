import Link
import OCPP16

/// A `DurableOutbox` kept in memory, with a record of every remove and attempt.
actor InMemoryOutbox: DurableOutbox {
    private(set) var messages: [OutboxMessage] = []
    private(set) var removed: [Int64] = []
    private var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    private var lastId: Int64 = 0

    init(dataTransfers count: Int = 0) {
        for index in 0..<count { Self.add(&messages, &lastId, Self.dataTransfer(index)) }
    }

    static func dataTransfer(_ index: Int) -> (String, JSONObject) {
        ("DataTransfer", JSONObject([("vendorId", .string("org.chargeplex.test")), ("data", .string("\(index)"))]))
    }

    private static func add(_ messages: inout [OutboxMessage], _ lastId: inout Int64, _ message: (String, JSONObject)) {
        lastId += 1
        messages.append(OutboxMessage(id: lastId, action: message.0, payload: message.1))
    }

    func append(dataTransfers range: Range<Int>) {
        for index in range { Self.add(&messages, &lastId, Self.dataTransfer(index)) }
    }

    func peek() async throws -> OutboxMessage? { messages.first }

    func remove(_ message: OutboxMessage) async throws {
        messages.removeAll { $0.id == message.id }
        removed.append(message.id)
        if messages.isEmpty {
            let waiters = emptyWaiters
            emptyWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Waits until the link removed every message; delivery is reported before removal.
    func waitUntilEmpty(timeout: Duration = .seconds(60)) async throws {
        try await withDeadline(timeout, "an empty outbox") { await self.emptied() }
    }

    private func emptied() async {
        guard !messages.isEmpty else { return }
        await withCheckedContinuation { emptyWaiters.append($0) }
    }

    func recordAttempt(_ message: OutboxMessage) async throws -> Int {
        guard let index = messages.firstIndex(where: { $0.id == message.id }) else { return message.attempts + 1 }
        messages[index].attempts += 1
        return messages[index].attempts
    }
}

/// What the link reported about one queued DataTransfer: its data and whether it arrived.
struct Outcome: Sendable, Equatable {
    let data: String
    let delivered: Bool
}

/// Collects what the link reports about queued messages, in order.
struct OutcomeRecorder: Sendable {
    let log = EventLog<Outcome>()

    var handler: Link.OutboxHandler {
        let log = self.log
        return { message, outcome in
            let data = message.payload["data"]?.stringValue ?? "?"
            if case .delivered = outcome {
                await log.append(Outcome(data: data, delivered: true))
            } else {
                await log.append(Outcome(data: data, delivered: false))
            }
        }
    }

    /// Waits until the message with `data` was delivered.
    func waitForDelivery(of data: String, timeout: Duration = .seconds(60)) async throws {
        let log = self.log
        _ = try await withDeadline(timeout, "delivery of \(data)") {
            try await log.first { $0.data == data && $0.delivered }
        }
    }

    var delivered: [String] {
        get async { await log.entries.filter(\.delivered).map(\.data) }
    }

    var abandoned: [String] {
        get async { await log.entries.filter { !$0.delivered }.map(\.data) }
    }
}
