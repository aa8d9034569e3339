import OCPP16
import Store

/// A charging session as the charger knows it. `ref` is the charger's own
/// number for it; every operator gives it a transactionId of its own.
public struct Transaction: Sendable, Codable, Equatable {
    public let ref: Int64
    public let connector: Int
    public let idTag: IdToken
    public var parentIdTag: IdToken?
    public let meterStart: Int64
    public let startedAt: OCPPDateTime
    public let reservationId: Int?
    /// The operator that was the authority when the transaction started; its
    /// verdicts and RemoteStop keep counting for it until it ends.
    public let authority: String?
    /// The last energy register seen, and when: what a stop after a power
    /// cut reports.
    public var lastMeter: Int64
    public var lastMeterAt: OCPPDateTime
    /// The authority refused the idTag after the start (StartTransaction.conf).
    public var deauthorized = false

    public init(
        ref: Int64, connector: Int, idTag: IdToken, parentIdTag: IdToken?, meterStart: Int64, startedAt: OCPPDateTime,
        reservationId: Int?, authority: String?
    ) {
        self.ref = ref
        self.connector = connector
        self.idTag = idTag
        self.parentIdTag = parentIdTag
        self.meterStart = meterStart
        self.startedAt = startedAt
        self.reservationId = reservationId
        self.authority = authority
        self.lastMeter = meterStart
        self.lastMeterAt = startedAt
    }
}

/// Open transactions kept in the store, so that a power cut cannot lose one.
struct TransactionJournal: Sendable {
    let persistence: KeyValueStore?
    static let namespace = "transactions"

    /// The key under which the last transaction number is kept, next to
    /// the open transactions so that both are written in one commit.
    static let counterKey = "last"

    static func entry(_ transaction: Transaction) -> String {
        String(decoding: PayloadCoding.encodedBytes(transaction), as: UTF8.self)
    }

    func save(_ transaction: Transaction, isNew: Bool = false) {
        var values = [String(transaction.ref): Self.entry(transaction)]
        if isNew { values[Self.counterKey] = String(transaction.ref) }
        try? persistence?.set(many: values, namespace: Self.namespace)
    }

    func remove(_ ref: Int64) {
        _ = try? persistence?.remove(namespace: Self.namespace, key: String(ref))
    }

    func open() -> [Transaction] {
        guard let all = try? persistence?.all(namespace: Self.namespace) else { return [] }
        return all.filter { $0.key != Self.counterKey }.values.compactMap { text in
            guard let json = try? JSONParser.parse(text) else { return nil }
            return try? PayloadCoding.decode(Transaction.self, from: json)
        }.sorted { $0.ref < $1.ref }
    }

    /// The last transaction number ever used, so that numbers are never reused.
    func lastRef() -> Int64 {
        (try? persistence?.get(namespace: Self.namespace, key: Self.counterKey)).flatMap { $0.flatMap { Int64($0) } } ?? 0
    }
}
