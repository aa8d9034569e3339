/// Why a signed reading is taken: the OCMF data set's `TX` field.
public enum SignedReadingContext: String, Sendable, Equatable {
    /// Transaction.Begin (`TX: B`).
    case transactionBegin = "B"
    /// A reading during the transaction (`TX: C`).
    case sample = "C"
    /// Transaction.End (`TX: E`).
    case transactionEnd = "E"
}

/// One signed data set exactly as the meter produced it.
public struct SignedMeterReading: Sendable, Equatable {
    public var context: SignedReadingContext
    /// The OCMF data set, `OCMF|{payload}|{signature}`, byte for byte as
    /// read: nothing may re-encode it, or its signature breaks.
    public var data: String
    /// The energy register the data set carries, in Wh, when known.
    public var energyWattHours: Int64?

    public init(context: SignedReadingContext, data: String, energyWattHours: Int64? = nil) {
        self.context = context
        self.data = data
        self.energyWattHours = energyWattHours
    }
}

/// The meters that sign their readings (OCMF), asked by the charge point.
///
/// A signed reading takes a meter several Modbus round trips, so it is not
/// a board event: the charge point awaits it where it needs it (begin and
/// end of a transaction) and never from inside the board's event stream.
public protocol SignedMeters: AnyObject, Sendable {
    /// Whether the connector's meter signs its readings.
    func signs(connector: Int) -> Bool
    /// The meter's public key, hex of its DER SubjectPublicKeyInfo, as last
    /// read from the meter; nil when it does not sign or was not reached yet.
    func publicKey(connector: Int) -> String?
    /// Takes a signed reading now. `idTag` goes into the data set's
    /// identification (written to the meter before a Begin). nil when the
    /// meter fails or does not answer within its bounded time-outs.
    func signedReading(connector: Int, context: SignedReadingContext, idTag: String?) async -> SignedMeterReading?
}

extension Board {
    /// The board's signing meters; nil when none is configured.
    public var signedMeters: (any SignedMeters)? { nil }
}
