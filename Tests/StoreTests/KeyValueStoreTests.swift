import Testing

@testable import Store

@Suite("KeyValueStore")
struct KeyValueStoreTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("settings.db")
    }

    @Test("values are set, read, replaced and removed per namespace")
    func basics() throws {
        let store = try KeyValueStore(database: Database(path: path))
        #expect(try store.get(namespace: "alpha", key: "HeartbeatInterval") == nil)
        try store.set(namespace: "alpha", key: "HeartbeatInterval", value: "60")
        try store.set(namespace: "beta", key: "HeartbeatInterval", value: "300")
        try store.set(namespace: "alpha", key: "HeartbeatInterval", value: "120")
        try store.set(namespace: "alpha", key: "Empty", value: "")

        #expect(try store.get(namespace: "alpha", key: "HeartbeatInterval") == "120")
        #expect(try store.get(namespace: "beta", key: "HeartbeatInterval") == "300")
        #expect(try store.all(namespace: "alpha") == ["HeartbeatInterval": "120", "Empty": ""])

        #expect(try store.remove(namespace: "alpha", key: "Empty"))
        #expect(try !store.remove(namespace: "alpha", key: "Empty"))
        #expect(try store.removeAll(namespace: "alpha") == 1)
        #expect(try store.all(namespace: "alpha").isEmpty)
        #expect(try store.all(namespace: "beta") == ["HeartbeatInterval": "300"])
    }

    @Test("set(many:) changes all keys or none")
    func atomicMultiSet() throws {
        let store = try KeyValueStore(database: Database(path: path))
        try store.set(many: ["a": "1", "b": "2"], namespace: "ns")
        #expect(try store.all(namespace: "ns") == ["a": "1", "b": "2"])

        // The empty key violates the table's CHECK, after "a" and "b" were already written
        // inside the transaction; both must be rolled back.
        let error = try #require(throws: DatabaseError.self) {
            try store.set(many: ["": "bad", "a": "10", "b": "20"], namespace: "ns")
        }
        #expect(error.code == .constraint)
        #expect(try store.all(namespace: "ns") == ["a": "1", "b": "2"])
    }

    @Test("replaceAll swaps a whole namespace atomically")
    func replaceAll() throws {
        let store = try KeyValueStore(database: Database(path: path))
        try store.set(many: ["one": "1", "two": "2"], namespace: "operators")
        try store.replaceAll(namespace: "operators", with: ["two": "II", "three": "III"])
        #expect(try store.all(namespace: "operators") == ["two": "II", "three": "III"])

        #expect(throws: DatabaseError.self) {
            try store.replaceAll(namespace: "operators", with: ["": "x"])
        }
        #expect(try store.all(namespace: "operators") == ["two": "II", "three": "III"])
    }

    @Test("settings survive closing and reopening, next to the message queue")
    func reopen() throws {
        do {
            let database = try Database(path: path)
            let store = try KeyValueStore(database: database)
            let queue = try MessageQueue(database: database)
            try store.set(many: ["k": "v"], namespace: "ns")
            try queue.enqueue(
                operator: "alpha", action: "MeterValues", payload: [], kind: .meterValues,
                transactionRef: nil, at: 0)
            database.close()
        }
        let database = try Database(path: path)
        let store = try KeyValueStore(database: database)
        #expect(try store.get(namespace: "ns", key: "k") == "v")
        #expect(try MessageQueue(database: database).peek(operator: "alpha")?.payload == [])
        #expect(try database.withConnection { try $0.userVersion() } == StoreSchema.migrations.count)
    }
}
