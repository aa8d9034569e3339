import Testing

@testable import Store

@Suite("MessageQueue")
struct MessageQueueTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("queue.db")
    }

    private func openQueue(capacity: Int = 100) throws -> MessageQueue {
        try MessageQueue(database: Database(path: path), capacityPerOperator: capacity)
    }

    @discardableResult
    private func enqueue(
        _ queue: MessageQueue, _ operatorName: String = "alpha", _ kind: MessageKind = .meterValues,
        number: Int64, transactionRef: Int64? = 7
    ) throws -> MessageQueue.EnqueueResult {
        try queue.enqueue(
            operator: operatorName, action: actionName(kind), payload: Array("{\"n\":\(number)}".utf8),
            kind: kind, transactionRef: transactionRef, at: 1_700_000_000_000 + number)
    }

    private func actionName(_ kind: MessageKind) -> String {
        switch kind {
        case .startTransaction: "StartTransaction"
        case .stopTransaction: "StopTransaction"
        case .meterValues: "MeterValues"
        case .other: "DataTransfer"
        }
    }

    private func numbers(_ messages: [QueuedMessage]) -> [Int64] {
        messages.map { $0.enqueuedAt - 1_700_000_000_000 }
    }

    @Test("messages come out oldest first and only leave by id")
    func fifo() throws {
        let queue = try openQueue()
        for number in Int64(0)..<5 { try enqueue(queue, number: number) }

        let first = try #require(try queue.peek(operator: "alpha"))
        #expect(numbers([first]) == [0])
        // Peeking does not consume.
        #expect(try queue.peek(operator: "alpha") == first)
        #expect(try queue.count(operator: "alpha") == 5)

        #expect(try queue.remove(id: first.id))
        #expect(try !queue.remove(id: first.id))
        #expect(try queue.remove(id: QueuedMessage.ID(rawValue: 999_999)) == false)
        #expect(numbers([try #require(try queue.peek(operator: "alpha"))]) == [1])

        // Removing from the middle leaves the others in order.
        let all = try queue.all(operator: "alpha")
        #expect(try queue.remove(id: all[2].id))
        #expect(numbers(try queue.all(operator: "alpha")) == [1, 2, 4])
    }

    @Test("stored fields come back as they were given")
    func fields() throws {
        let queue = try openQueue()
        let result = try queue.enqueue(
            operator: "alpha", action: "StopTransaction", payload: Array(#"{"meterStop":42}"#.utf8),
            kind: .stopTransaction, transactionRef: nil, at: 1234)
        #expect(result.isQueued)
        #expect(result.dropped.isEmpty)
        let stored = try #require(try queue.peek(operator: "alpha"))
        #expect(stored == result.message)
        #expect(stored.operatorName == "alpha")
        #expect(stored.action == "StopTransaction")
        #expect(stored.kind == .stopTransaction)
        #expect(String(decoding: stored.payload, as: UTF8.self) == #"{"meterStop":42}"#)
        #expect(stored.transactionRef == nil)
        #expect(stored.enqueuedAt == 1234)
        #expect(stored.attempts == 0)
        #expect(stored.lastAttemptAt == nil)
    }

    @Test("sequence numbers increase and are never reused after removal")
    func sequence() throws {
        let queue = try openQueue()
        let a = try enqueue(queue, number: 0).message
        let b = try enqueue(queue, number: 1).message
        #expect(a.id < b.id)
        try queue.remove(id: b.id)
        let c = try enqueue(queue, number: 2).message
        #expect(c.id > b.id)
    }

    @Test("attempts are counted per message with the time of the last one")
    func attempts() throws {
        let queue = try openQueue()
        let message = try enqueue(queue, number: 0).message
        let other = try enqueue(queue, number: 1).message
        #expect(try queue.recordAttempt(id: message.id, at: 10) == 1)
        #expect(try queue.recordAttempt(id: message.id, at: 20) == 2)
        #expect(try queue.recordAttempt(id: message.id, at: 30) == 3)
        let stored = try #require(try queue.peek(operator: "alpha"))
        #expect(stored.attempts == 3)
        #expect(stored.lastAttemptAt == 30)
        #expect(try queue.all(operator: "alpha").last?.id == other.id)
        #expect(try queue.all(operator: "alpha").last?.attempts == 0)

        try queue.remove(id: message.id)
        #expect(try queue.recordAttempt(id: message.id, at: 40) == nil)
    }

    @Test("operators have separate queues")
    func isolation() throws {
        let queue = try openQueue()
        try enqueue(queue, "alpha", .startTransaction, number: 0)
        try enqueue(queue, "beta", .startTransaction, number: 1)
        try enqueue(queue, "alpha", .meterValues, number: 2)
        try enqueue(queue, "beta", .stopTransaction, number: 3)

        #expect(numbers(try queue.all(operator: "alpha")) == [0, 2])
        #expect(numbers(try queue.all(operator: "beta")) == [1, 3])
        #expect(try queue.operatorsWithMessages() == ["alpha", "beta"])

        // Sending to alpha does not advance beta.
        try queue.remove(id: try #require(try queue.peek(operator: "alpha")).id)
        #expect(numbers([try #require(try queue.peek(operator: "beta"))]) == [1])

        #expect(try queue.removeAll(operator: "alpha") == 1)
        #expect(try queue.peek(operator: "alpha") == nil)
        #expect(try queue.count(operator: "beta") == 2)
        #expect(try queue.count(operator: "nobody") == 0)
    }

    @Test("a full queue drops its oldest MeterValues and keeps Start and Stop")
    func eviction() throws {
        let queue = try openQueue(capacity: 4)
        try enqueue(queue, "alpha", .startTransaction, number: 0)
        try enqueue(queue, "alpha", .meterValues, number: 1)
        try enqueue(queue, "alpha", .meterValues, number: 2)
        try enqueue(queue, "alpha", .other, number: 3)
        // Another operator's MeterValues must not be taken instead.
        try enqueue(queue, "beta", .meterValues, number: 100)

        let full = try enqueue(queue, "alpha", .meterValues, number: 4)
        #expect(full.isQueued)
        #expect(numbers(full.dropped) == [1])
        #expect(numbers(try queue.all(operator: "alpha")) == [0, 2, 3, 4])

        let stop = try enqueue(queue, "alpha", .stopTransaction, number: 5)
        #expect(stop.isQueued)
        #expect(numbers(stop.dropped) == [2])
        #expect(numbers(try queue.all(operator: "alpha")) == [0, 3, 4, 5])
        #expect(numbers(try queue.all(operator: "beta")) == [100])
    }

    @Test("Start and Stop are accepted even beyond capacity; a lone new MeterValues is dropped")
    func neverRefused() throws {
        let queue = try openQueue(capacity: 2)
        for number in Int64(0)..<4 {
            let result = try enqueue(queue, "alpha", number.isMultiple(of: 2) ? .startTransaction : .stopTransaction, number: number)
            #expect(result.isQueued)
            #expect(result.dropped.isEmpty)
        }
        #expect(try queue.count(operator: "alpha") == 4)

        let sample = try enqueue(queue, "alpha", .meterValues, number: 4)
        #expect(!sample.isQueued)
        #expect(sample.dropped.map(\.id) == [sample.message.id])
        #expect(numbers(try queue.all(operator: "alpha")) == [0, 1, 2, 3])
    }

    @Test("a capacity below one is raised to one")
    func minimumCapacity() throws {
        let queue = try openQueue(capacity: 0)
        #expect(queue.capacityPerOperator == 1)
        try enqueue(queue, number: 0)
        let second = try enqueue(queue, number: 1)
        #expect(numbers(second.dropped) == [0])
        #expect(numbers(try queue.all(operator: "alpha")) == [1])
    }

    @Test("reopening the file keeps messages, order, attempts and numbering")
    func reopen() throws {
        var lastID: QueuedMessage.ID
        do {
            let queue = try openQueue()
            try enqueue(queue, "alpha", .startTransaction, number: 0)
            let middle = try enqueue(queue, "alpha", .meterValues, number: 1).message
            lastID = try enqueue(queue, "beta", .stopTransaction, number: 2).message.id
            try queue.recordAttempt(id: middle.id, at: 99)
            queue.database.close()
        }
        let reopened = try openQueue()
        let alpha = try reopened.all(operator: "alpha")
        #expect(numbers(alpha) == [0, 1])
        #expect(alpha.map(\.kind) == [.startTransaction, .meterValues])
        #expect(alpha[1].attempts == 1)
        #expect(alpha[1].lastAttemptAt == 99)
        #expect(alpha[0].transactionRef == 7)
        #expect(numbers(try reopened.all(operator: "beta")) == [2])
        #expect(try enqueue(reopened, number: 3).message.id > lastID)
    }
}
