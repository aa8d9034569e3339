import Board
import OCPP16

/// A reservation of a connector (or of connector 0: any connector).
public struct Reservation: Sendable, Codable, Equatable {
    public let id: Int
    public let connector: Int
    public let idTag: IdToken
    public let parentIdTag: IdToken?
    public let expiry: OCPPDateTime
    public let operatorName: String?
}

/// An idTag accepted before the cable was plugged in, waiting for it until
/// ConnectionTimeOut.
struct PendingStart: Sendable, Equatable {
    var idTag: IdToken
    var parentIdTag: IdToken?
    var until: OCPPDateTime
    var reservationId: Int?
}

/// One connector's inputs; its OCPP status is derived from them, never set
/// by hand, so that it cannot drift from what the hardware says.
struct Connector: Sendable {
    let number: Int
    var plugged = false
    var relayCommanded = false
    var evDrawing = true
    var faults: Set<BoardFault> = []
    var operative = true
    /// ChangeAvailability to Inoperative that waits for the transaction to end.
    var inoperativeScheduled = false
    var transaction: Transaction?
    var pendingStart: PendingStart?
    /// A transaction ended while the cable was still in.
    var finishing = false
    var wattHours: Int64 = 0
    /// What the connector's Modbus meter said last, and how its register maps to `wattHours`.
    var meter = MeterTrack()
    /// A StopTransaction waits for the meter's signed end reading: nothing
    /// else may stop the transaction meanwhile.
    var stopping = false
    /// The limit in force (nil: none). Zero suspends charging.
    var limitAmperes: Double?
    /// The current limit last given to the board (nil: none given yet).
    var reportedLimit: Double?
    var reported: (status: ChargePointStatus, error: ChargePointErrorCode)?
    /// A new status waiting out MinimumStatusDuration, and since when.
    var settling: (status: ChargePointStatus, error: ChargePointErrorCode, since: OCPPDateTime)?

    init(number: Int) { self.number = number }

    var errorCode: ChargePointErrorCode {
        guard let fault = faults.sorted(by: { $0.rawValue < $1.rawValue }).first else { return .noError }
        return ChargePointErrorCode(rawValue: fault.rawValue) ?? .otherError
    }

    func status(reservation: Reservation?) -> ChargePointStatus {
        if !faults.isEmpty { return .faulted }
        if transaction != nil {
            if !relayCommanded || limitAmperes == 0 { return .suspendedEVSE }
            if !evDrawing { return .suspendedEV }
            return .charging
        }
        if !operative { return .unavailable }
        if finishing { return .finishing }
        if pendingStart != nil || plugged { return .preparing }
        if reservation != nil { return .reserved }
        return .available
    }
}
