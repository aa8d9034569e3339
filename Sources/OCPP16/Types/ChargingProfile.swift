public enum ChargingProfilePurpose: String, StringEnum, CaseIterable {
    case chargePointMaxProfile = "ChargePointMaxProfile"
    case txDefaultProfile = "TxDefaultProfile"
    case txProfile = "TxProfile"
}

public enum ChargingProfileKind: String, StringEnum, CaseIterable {
    case absolute = "Absolute"
    case recurring = "Recurring"
    case relative = "Relative"
}

public enum RecurrencyKind: String, StringEnum, CaseIterable {
    case daily = "Daily"
    case weekly = "Weekly"
}

public enum ChargingRateUnit: String, StringEnum, CaseIterable {
    case amperes = "A"
    case watts = "W"
}

/// From `startPeriod` seconds after the schedule's start, at most `limit`.
public struct ChargingSchedulePeriod: Codable, Sendable, Equatable {
    public var startPeriod: Int
    public var limit: ChargingRate
    public var numberPhases: Int?

    public init(startPeriod: Int, limit: ChargingRate, numberPhases: Int? = nil) {
        self.startPeriod = startPeriod
        self.limit = limit
        self.numberPhases = numberPhases
    }
}

public struct ChargingSchedule: Codable, Sendable, Equatable {
    public var duration: Int?
    public var startSchedule: OCPPDateTime?
    public var chargingRateUnit: ChargingRateUnit
    public var chargingSchedulePeriod: [ChargingSchedulePeriod]
    public var minChargingRate: ChargingRate?

    public init(
        duration: Int? = nil, startSchedule: OCPPDateTime? = nil, chargingRateUnit: ChargingRateUnit,
        chargingSchedulePeriod: [ChargingSchedulePeriod], minChargingRate: ChargingRate? = nil
    ) {
        self.duration = duration
        self.startSchedule = startSchedule
        self.chargingRateUnit = chargingRateUnit
        self.chargingSchedulePeriod = chargingSchedulePeriod
        self.minChargingRate = minChargingRate
    }
}

public struct ChargingProfile: Codable, Sendable, Equatable {
    public var chargingProfileId: Int
    public var transactionId: Int?
    public var stackLevel: Int
    public var chargingProfilePurpose: ChargingProfilePurpose
    public var chargingProfileKind: ChargingProfileKind
    public var recurrencyKind: RecurrencyKind?
    public var validFrom: OCPPDateTime?
    public var validTo: OCPPDateTime?
    public var chargingSchedule: ChargingSchedule

    public init(
        chargingProfileId: Int, transactionId: Int? = nil, stackLevel: Int,
        chargingProfilePurpose: ChargingProfilePurpose, chargingProfileKind: ChargingProfileKind,
        recurrencyKind: RecurrencyKind? = nil, validFrom: OCPPDateTime? = nil, validTo: OCPPDateTime? = nil,
        chargingSchedule: ChargingSchedule
    ) {
        self.chargingProfileId = chargingProfileId
        self.transactionId = transactionId
        self.stackLevel = stackLevel
        self.chargingProfilePurpose = chargingProfilePurpose
        self.chargingProfileKind = chargingProfileKind
        self.recurrencyKind = recurrencyKind
        self.validFrom = validFrom
        self.validTo = validTo
        self.chargingSchedule = chargingSchedule
    }
}
