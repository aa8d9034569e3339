import Store
import Testing

/// The ledger's promise: a transaction event and every operator's message
/// about it are all on disk or none is, and no operator's queue can hold a
/// transaction message without its StartTransaction ahead of it.
@Suite struct TransactionLedgerTests {
    let directory: TemporaryDirectory
    let database: Database
    let ledger: TransactionLedger

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("agent.db"))
        ledger = TransactionLedger(queue: try MessageQueue(database: database))
    }

    static func record(_ ref: Int64, connector: Int = 1) -> StoredTransaction {
        StoredTransaction(
            ref: ref, connector: connector, idTag: "CARD", parentIdTag: nil, meterStart: 100, startedAt: 1_000,
            reservationId: nil, authority: "billing", lastMeter: 100, lastMeterAt: 1_000, lastReportedAt: 1_000,
            deauthorized: false)
    }

    static func message(_ name: String, _ kind: MessageKind, ref: Int64, lateStart: Bool = true) -> TransactionMessage {
        let action = switch kind {
        case .startTransaction: "StartTransaction"
        case .stopTransaction: "StopTransaction"
        default: "MeterValues"
        }
        return TransactionMessage(
            operatorName: name, action: action, kind: kind, ref: ref, payload: Array("{\"\(action)\":\(ref)}".utf8),
            startIfUnknown: lateStart ? Array("{\"StartTransaction\":\(ref)}".utf8) : nil)
    }

    func actions(_ name: String) throws -> [String] {
        try ledger.queue.all(operator: name).map(\.action)
    }

    func begin(_ ref: Int64, for names: [String]) throws {
        try ledger.commit(
            TransactionWrite(records: [Self.record(ref)], messages: names.map { Self.message($0, .startTransaction, ref: ref) }),
            at: 1_000)
    }

    @Test func aStartIsOneCommitForEveryOperator() throws {
        try begin(1, for: ["billing", "home", "dc"])
        for name in ["billing", "home", "dc"] {
            #expect(try actions(name) == ["StartTransaction"])
            #expect(try ledger.state(of: 1, for: name) == .queued)
        }
        #expect(try ledger.openTransactions().map(\.ref) == [1])
        #expect(try ledger.lastRef() == 1)
    }

    @Test func aCommitThatFailsLeavesNothingBehind() throws {
        try begin(1, for: ["billing"])
        // The disk refuses the second operator's copy: the whole event must vanish.
        var write = TransactionWrite(records: [Self.record(2, connector: 2)])
        write.messages = [Self.message("billing", .startTransaction, ref: 2), Self.message("home", .startTransaction, ref: 2)]
        try database.execute("CREATE TRIGGER refuse BEFORE INSERT ON message_queue WHEN NEW.operator = 'home' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        #expect(throws: DatabaseError.self) { try ledger.commit(write, at: 2_000) }
        #expect(try ledger.openTransactions().map(\.ref) == [1])
        #expect(try actions("billing") == ["StartTransaction"])
        #expect(try ledger.state(of: 2, for: "billing") == .unknown)
    }

    @Test func anOperatorThatNeverHeardOfATransactionGetsItsStartFirst() throws {
        try begin(1, for: ["billing"])
        try ledger.commit(
            TransactionWrite(messages: [Self.message("billing", .meterValues, ref: 1), Self.message("late", .meterValues, ref: 1)]),
            at: 2_000)
        #expect(try actions("billing") == ["StartTransaction", "MeterValues"])
        #expect(try actions("late") == ["StartTransaction", "MeterValues"])
        // A later message does not queue the start twice.
        try ledger.commit(TransactionWrite(messages: [Self.message("late", .stopTransaction, ref: 1)], ended: [1]), at: 3_000)
        #expect(try actions("late") == ["StartTransaction", "MeterValues", "StopTransaction"])
        #expect(try ledger.openTransactions().isEmpty)
    }

    @Test func catchingUpIsIdempotentAndSkipsEndedTransactions() throws {
        try begin(1, for: ["billing"])
        try begin(2, for: ["billing"])
        try ledger.commit(TransactionWrite(ended: [2]), at: 2_000)
        let starts: [(ref: Int64, payload: [UInt8])] = [(1, Array("{}".utf8)), (2, Array("{}".utf8))]
        #expect(try ledger.catchUp("late", starts: starts, at: 3_000) == [1])
        #expect(try ledger.catchUp("late", starts: starts, at: 3_000) == [])
        #expect(try ledger.catchUp("billing", starts: starts, at: 3_000) == [])
        #expect(try actions("late") == ["StartTransaction"])
    }

    @Test func aConfirmedStartKeepsTheIdAndLeavesTheQueueTogether() throws {
        try begin(7, for: ["billing", "home"])
        let start = try #require(try ledger.queue.peek(operator: "home"))
        try ledger.startConfirmed(ref: 7, transactionId: 4242, for: "home", messageId: start.id)
        #expect(try ledger.state(of: 7, for: "home") == .known(4242))
        #expect(try ledger.ref(of: 4242, for: "home") == 7)
        #expect(try ledger.ref(of: 4242, for: "billing") == nil)
        #expect(try ledger.transactionIds(for: "home") == [7: 4242])
        #expect(try actions("home").isEmpty)
        #expect(try ledger.state(of: 7, for: "billing") == .queued)
    }

    @Test func aGivenUpStartIsCountedAndTheStopClosesTheRecord() throws {
        try begin(3, for: ["dc"])
        try ledger.commit(TransactionWrite(messages: [Self.message("dc", .stopTransaction, ref: 3)], ended: [3]), at: 2_000)
        let messages = try ledger.queue.all(operator: "dc")
        try ledger.startAbandoned(ref: 3, for: "dc", messageId: messages[0].id)
        #expect(try ledger.state(of: 3, for: "dc") == .abandoned)
        #expect(try ledger.abandonedStarts(for: "dc") == 1)
        try ledger.finished(ref: 3, for: "dc", messageId: messages[1].id)
        #expect(try ledger.state(of: 3, for: "dc") == .unknown)
        #expect(try ledger.queue.count(operator: "dc") == 0)
        #expect(try ledger.abandonedStarts(for: "dc") == 1)
    }

    @Test func aStatusWaitsForWhatWasQueuedBeforeIt() throws {
        try begin(1, for: ["billing", "home"])
        let mark = try ledger.latestSequence()
        #expect(try ledger.hasQueued(for: "home", upTo: mark))
        let start = try #require(try ledger.queue.peek(operator: "home"))
        try ledger.startConfirmed(ref: 1, transactionId: 1, for: "home", messageId: start.id)
        #expect(try !ledger.hasQueued(for: "home", upTo: mark))
        try ledger.commit(TransactionWrite(messages: [Self.message("home", .meterValues, ref: 1)]), at: 2_000)
        #expect(try !ledger.hasQueued(for: "home", upTo: mark))
    }

    @Test func forgettingAnOperatorRemovesItsQueueAndIds() throws {
        try begin(1, for: ["billing", "dc"])
        try ledger.forget("dc")
        #expect(try ledger.queue.count(operator: "dc") == 0)
        #expect(try ledger.state(of: 1, for: "dc") == .unknown)
        #expect(try ledger.queue.count(operator: "billing") == 1)
    }

    @Test func recordsOfTheEarlierJSONLayoutMoveIntoTheTables() throws {
        let old = try Database(path: directory.path("old.db"))
        try old.migrate(Array(StoreSchema.migrations.prefix(2)))
        try old.execute(
            """
            INSERT INTO key_value VALUES ('transactions', 'last', '12');
            INSERT INTO key_value VALUES ('transactions', '12', '{"ref":12,"connector":2,"idTag":"04A2B3C4","meterStart":500,"startedAt":"2026-11-30T08:10:43.262Z","authority":"billing","lastMeter":800,"lastMeterAt":"2026-11-30T08:20:00.000Z","deauthorized":false}');
            INSERT INTO key_value VALUES ('txids/billing', '12', '99');
            INSERT INTO message_queue (operator, action, kind, payload, transaction_ref, enqueued_at)
                VALUES ('dc', 'StartTransaction', 'startTransaction', x'7b7d', 12, 0);
            """)
        try old.migrate(StoreSchema.migrations)
        let moved = TransactionLedger(queue: try MessageQueue(database: old))
        let record = try #require(try moved.openTransactions().first)
        #expect(record.ref == 12 && record.connector == 2 && record.idTag == "04A2B3C4")
        #expect(record.meterStart == 500 && record.lastMeter == 800)
        #expect(record.startedAt == 1_796_026_243_262)
        #expect(record.lastMeterAt == 1_796_026_800_000)
        #expect(try moved.lastRef() == 12)
        #expect(try moved.state(of: 12, for: "billing") == .known(99))
        #expect(try moved.state(of: 12, for: "dc") == .queued)
        #expect(try KeyValueStore(database: old).all(namespace: "transactions").isEmpty)
    }
}
