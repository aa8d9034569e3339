/// Why a SetChargingProfile.req is answered `Rejected`: OCPP carries only the
/// status, the reason is for the log.
public enum ChargingProfileRejection: Error, Sendable, Equatable {
    /// connectorId is negative or beyond the charger's connectors.
    case unknownConnector
    /// A ChargePointMaxProfile on a connector other than 0.
    case chargePointMaxProfileNotOnConnectorZero
    /// A TxProfile on connector 0.
    case transactionProfileOnConnectorZero
    /// A TxProfile on a connector without a running transaction.
    case noTransactionOnConnector
    /// A TxProfile naming a transaction other than the one running.
    case transactionIdMismatch
    /// chargingRateUnit is not in ChargingScheduleAllowedChargingRateUnit.
    case unitNotAllowed
    /// The schedule has no period.
    case noPeriods
    /// More periods than ChargingScheduleMaxPeriods.
    case tooManyPeriods
    /// The first period does not start at 0 or the starts do not increase.
    case periodsOutOfOrder
    /// A negative limit, one beyond any charger (see `largestLimit(in:)`),
    /// or a number of phases outside 1...3.
    case invalidPeriod
    /// A stack level below 0 or above ChargeProfileMaxStackLevel.
    case stackLevelOutOfRange
    /// A Recurring profile without recurrencyKind or startSchedule.
    case incompleteRecurrence
    /// A negative duration, or validTo not after validFrom.
    case invalidTimeWindow
    /// Installing would exceed MaxChargingProfilesInstalled.
    case tooManyProfiles
}
