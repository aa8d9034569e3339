import Glibc
import Logging
import Store
import Testing

@testable import Operators

/// A disk too full to take even a deletion must not stall an operator's
/// queue: a delivered message is skipped, not sent again, and removed once
/// the disk lets it.
@Suite struct UndeletableMessageTests {
    @Test func aDeliveredMessageThatCannotBeRemovedIsSkippedAndRemovedLater() async throws {
        var template = Array("/tmp/chargeplex-outbox-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template))
        let database = try Database(path: String(cString: directory) + "/agent.db")
        let queue = try MessageQueue(database: database)
        for number in 1...2 {
            try queue.enqueue(
                operator: "home", action: "DataTransfer", payload: Array("{\"vendorId\":\"v\(number)\"}".utf8),
                kind: .other, transactionRef: nil, at: 0)
        }
        let state = SessionState()
        let outbox = OperatorOutbox(
            ledger: TransactionLedger(queue: queue), operatorName: "home", progress: state, now: { 0 },
            logger: Logger(label: "test"))

        let first = try #require(try await outbox.peek())
        // Every write fails from here, as on a full disk.
        try database.withConnection { try $0.execute("PRAGMA query_only = ON") }
        try await outbox.remove(first)
        let second = try #require(try await outbox.peek())
        #expect(second.id != first.id)
        #expect(second.payload["vendorId"] == .string("v2"))
        #expect(try queue.count(operator: "home") == 2)
        #expect(try !TransactionLedger(queue: queue).hasQueued(for: "home", upTo: first.id, after: await state.deliveredThrough))

        // Space again: the delivered one goes at the next look, the other stays.
        try database.withConnection { try $0.execute("PRAGMA query_only = OFF") }
        #expect(try await outbox.peek()?.id == second.id)
        #expect(try queue.all(operator: "home").map(\.id.rawValue) == [second.id])
        #expect(await state.undeleted.isEmpty)
    }
}
