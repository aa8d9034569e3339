import Testing

@testable import Store

@Suite("SecurityLog")
struct SecurityLogTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("state.db")
    }

    private func open(capacity: Int = SecurityLog.defaultCapacity) throws -> SecurityLog {
        SecurityLog(queue: try MessageQueue(database: Database(path: path)), capacity: capacity)
    }

    private func event(_ number: Int64, _ type: String = "InvalidMessages", operator name: String? = nil) -> SecurityLog.Event {
        SecurityLog.Event(
            type: type, techInfo: "number \(number)", occurredAt: 1_700_000_000_000 + number, operatorName: name,
            payload: Array("{\"type\":\"\(type)\",\"n\":\(number)}".utf8))
    }

    @Test func keepsOnlyTheNewestEventsUpToItsBound() throws {
        let log = try open(capacity: 5)
        for number in 1...12 { try log.record(event(Int64(number)), for: [], at: 0) }
        #expect(try log.count() == 5)
        #expect(try log.entries().map(\.techInfo) == (8...12).map { "number \($0)" })
    }

    @Test func theDefaultBoundIsAThousand() throws {
        let log = try open()
        for number in 1...1005 { try log.record(event(Int64(number)), for: [], at: 0) }
        let kept = try log.entries()
        #expect(kept.count == 1000)
        #expect(kept.first?.techInfo == "number 6")
    }

    @Test func eventsSurviveReopening() throws {
        try open().record(event(1, "StartupOfTheDevice"), for: [], at: 0)
        let reopened = try open()
        #expect(try reopened.entries().map(\.type) == ["StartupOfTheDevice"])
    }

    @Test func anEventIsQueuedForEachRecipientInTheSameCommit() throws {
        let log = try open()
        try log.record(event(1, "StartupOfTheDevice"), for: ["home", "billing"], at: 5)
        try log.record(event(2, "FailedToAuthenticateAtCentralSystem", operator: "billing"), for: ["billing"], at: 6)
        let home = try log.queue.all(operator: "home")
        let billing = try log.queue.all(operator: "billing")
        #expect(home.map(\.action) == ["SecurityEventNotification"])
        #expect(billing.count == 2)
        #expect(billing.allSatisfy { $0.kind == .other && $0.transactionRef == nil })
        #expect(String(decoding: billing[1].payload, as: UTF8.self).contains("FailedToAuthenticateAtCentralSystem"))
        // The queue keeps them even when the log's bound drops the entry.
        let small = SecurityLog(queue: log.queue, capacity: 1)
        try small.record(event(3), for: [], at: 7)
        #expect(try small.count() == 1)
        #expect(try log.queue.count(operator: "billing") == 2)
    }

    @Test func aFailedWriteLeavesNeitherTheEntryNorAnyMessage() throws {
        let log = try open()
        // An event type longer than the wire allows is refused by the table: nothing is kept.
        let tooLong = SecurityLog.Event(
            type: String(repeating: "x", count: 51), techInfo: nil, occurredAt: 1, operatorName: nil, payload: Array("{}".utf8))
        #expect(throws: DatabaseError.self) { try log.record(tooLong, for: ["home"], at: 1) }
        #expect(try log.count() == 0)
        #expect(try log.queue.count(operator: "home") == 0)
    }

    @Test func clearingKeepsTheEventThatSaysSo() throws {
        let log = try open()
        for number in 1...3 { try log.record(event(Int64(number)), for: [], at: 0) }
        let removed = try log.clear(recording: event(4, "SecurityLogWasCleared"), for: ["home"], at: 0)
        #expect(removed == 3)
        #expect(try log.entries().map(\.type) == ["SecurityLogWasCleared"])
        #expect(try log.queue.count(operator: "home") == 1)
    }

    @Test func entriesOfAPeriod() throws {
        let log = try open()
        for number in 1...10 { try log.record(event(Int64(number)), for: [], at: 0) }
        let period = try log.entries(from: 1_700_000_000_003, until: 1_700_000_000_005)
        #expect(period.map(\.techInfo) == ["number 3", "number 4", "number 5"])
    }
}
