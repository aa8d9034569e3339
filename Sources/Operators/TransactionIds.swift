import Store

/// Each operator's own transactionId for each of the charger's transactions
/// (by its local number), kept in the store: a StopTransaction queued before
/// a power cut must still carry the right id after it.
struct TransactionIds: Sendable {
    let store: KeyValueStore?

    static func namespace(_ operatorName: String) -> String { "txids/\(operatorName)" }

    func id(of ref: Int64, for operatorName: String) -> Int? {
        (try? store?.get(namespace: Self.namespace(operatorName), key: String(ref))).flatMap { $0.flatMap { Int($0) } }
    }

    func ref(of transactionId: Int, for operatorName: String) -> Int64? {
        guard let all = try? store?.all(namespace: Self.namespace(operatorName)) else { return nil }
        return all.first { $0.value == String(transactionId) }.flatMap { Int64($0.key) }
    }

    func record(_ transactionId: Int, ref: Int64, for operatorName: String) {
        try? store?.set(namespace: Self.namespace(operatorName), key: String(ref), value: String(transactionId))
    }

    func forget(ref: Int64, for operatorName: String) {
        _ = try? store?.remove(namespace: Self.namespace(operatorName), key: String(ref))
    }

    func forgetAll(for operatorName: String) {
        _ = try? store?.removeAll(namespace: Self.namespace(operatorName))
    }
}
