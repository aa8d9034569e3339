import OCPP16

/// One line a peer printed, with its JSON when it is JSON.
struct PeerLine: Sendable, CustomStringConvertible {
    let text: String
    let json: JSONValue?

    init(_ text: String) {
        self.text = text
        self.json = try? JSONParser.parse(text)
    }

    var event: String? { json?["event"]?.stringValue }
    subscript(key: String) -> JSONValue? { json?[key] }
    var description: String { text }
}

struct PeerEnded: Error, CustomStringConvertible {
    let description = "the peer process ended before the expected line"
}

/// Everything something reported, in order (a peer's lines, a link's states), and the tests
/// waiting for some entry.
///
/// Waiting is always for "the first entry from index n on that matches": a test keeps the
/// index of what it already saw, so an entry logged before the wait began is not missed.
actor EventLog<Entry: Sendable> {
    private struct Waiter {
        let from: Int
        let matches: @Sendable (Entry) -> Bool
        let continuation: CheckedContinuation<(index: Int, entry: Entry), any Error>
    }

    private(set) var entries: [Entry] = []
    private var waiters: [UInt64: Waiter] = [:]
    private var cancelled: Set<UInt64> = []
    private var lastWaiter: UInt64 = 0
    private var ended = false

    var count: Int { entries.count }

    func append(_ entry: Entry) {
        entries.append(entry)
        let index = entries.count - 1
        for (id, waiter) in waiters where index >= waiter.from && waiter.matches(entry) {
            waiters[id] = nil
            waiter.continuation.resume(returning: (index, entry))
        }
    }

    func end() {
        ended = true
        let pending = waiters.values
        waiters = [:]
        for waiter in pending { waiter.continuation.resume(throwing: PeerEnded()) }
    }

    /// The first line at or after `from` that matches, waiting for it if needed.
    func first(from: Int = 0, where matches: @escaping @Sendable (Entry) -> Bool) async throws -> (index: Int, entry: Entry) {
        if let index = entries.indices.first(where: { $0 >= from && matches(entries[$0]) }) {
            return (index, entries[index])
        }
        if ended { throw PeerEnded() }
        lastWaiter += 1
        let id = lastWaiter
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if cancelled.remove(id) != nil || Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters[id] = Waiter(from: from, matches: matches, continuation: continuation)
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: UInt64) {
        if let waiter = waiters.removeValue(forKey: id) {
            waiter.continuation.resume(throwing: CancellationError())
        } else {
            cancelled.insert(id)
        }
    }
}
