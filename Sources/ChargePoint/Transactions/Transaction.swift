import OCPP16
import Store

/// A charging session as the charger knows it. `ref` is the charger's own
/// number for it; every operator gives it a transactionId of its own.
public struct Transaction: Sendable, Equatable {
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
    /// The latest timestamp of a meter value queued for any operator: a stop
    /// is never stamped earlier.
    public var lastReportedAt: OCPPDateTime
    /// The authority refused the idTag after the start (StartTransaction.conf).
    public var deauthorized = false
    /// The meter's signed (OCMF) reading at the start, for StopTransaction's
    /// transactionData. Kept in memory only: after a restart the operators
    /// have it from the MeterValues sent at the start.
    public var signedBegin: String?

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
        self.lastReportedAt = startedAt
    }

    /// The record as it is kept on disk.
    var stored: StoredTransaction {
        StoredTransaction(
            ref: ref, connector: connector, idTag: idTag.value, parentIdTag: parentIdTag?.value, meterStart: meterStart,
            startedAt: startedAt.millisecondsSince1970, reservationId: reservationId, authority: authority,
            lastMeter: lastMeter, lastMeterAt: lastMeterAt.millisecondsSince1970,
            lastReportedAt: lastReportedAt.millisecondsSince1970, deauthorized: deauthorized)
    }

    /// A record read back from disk; nil when it no longer makes sense.
    init?(_ stored: StoredTransaction) {
        guard let idTag = IdToken(stored.idTag), stored.connector > 0, stored.meterStart >= 0 else { return nil }
        self.init(
            ref: stored.ref, connector: stored.connector, idTag: idTag, parentIdTag: stored.parentIdTag.flatMap(IdToken.init),
            meterStart: stored.meterStart, startedAt: OCPPDateTime(millisecondsSince1970: stored.startedAt),
            reservationId: stored.reservationId, authority: stored.authority)
        lastMeter = max(stored.lastMeter, stored.meterStart)
        lastMeterAt = OCPPDateTime(millisecondsSince1970: stored.lastMeterAt)
        lastReportedAt = OCPPDateTime(millisecondsSince1970: stored.lastReportedAt)
        deauthorized = stored.deauthorized
    }

    /// The StartTransaction every operator gets, also one that joins late.
    public var startRequest: StartTransactionRequest {
        StartTransactionRequest(
            connectorId: connector, idTag: idTag, meterStart: Int(meterStart), reservationId: reservationId, timestamp: startedAt)
    }
}
