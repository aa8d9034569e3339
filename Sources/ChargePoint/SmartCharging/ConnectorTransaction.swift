import OCPP16

/// A transaction running on a connector, as one operator knows it.
public struct ConnectorTransaction: Sendable, Equatable {
    /// This operator's id for the transaction; nil while its
    /// StartTransaction.conf has not arrived yet.
    public var transactionId: Int?
    /// When the transaction started: the origin of Relative profiles.
    public var start: OCPPDateTime

    public init(transactionId: Int?, start: OCPPDateTime) {
        self.transactionId = transactionId
        self.start = start
    }
}
