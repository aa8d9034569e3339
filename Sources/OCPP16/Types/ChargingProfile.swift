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
public struct ChargingSchedulePeriod: JSONCodable, Equatable {
    public var startPeriod: Int
    public var limit: ChargingRate
    public var numberPhases: Int?

    public init(startPeriod: Int, limit: ChargingRate, numberPhases: Int? = nil) {
        self.startPeriod = startPeriod
        self.limit = limit
        self.numberPhases = numberPhases
    }
}

extension ChargingSchedulePeriod {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        startPeriod = try object.requiredCount("startPeriod")
        limit = try object.required("limit")
        numberPhases = try object.optional("numberPhases")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("startPeriod", startPeriod)
            object.member("limit", limit)
            object.member("numberPhases", numberPhases)
        }
    }
}

public struct ChargingSchedule: JSONCodable, Equatable {
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

extension ChargingSchedule {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        duration = try object.optionalCount("duration")
        startSchedule = try object.optional("startSchedule")
        chargingRateUnit = try object.required("chargingRateUnit")
        chargingSchedulePeriod = try object.required("chargingSchedulePeriod")
        minChargingRate = try object.optional("minChargingRate")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("duration", duration)
            object.member("startSchedule", startSchedule)
            object.member("chargingRateUnit", chargingRateUnit)
            object.member("chargingSchedulePeriod", chargingSchedulePeriod)
            object.member("minChargingRate", minChargingRate)
        }
    }
}

public struct ChargingProfile: JSONCodable, Equatable {
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

extension ChargingProfile {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        chargingProfileId = try object.required("chargingProfileId")
        transactionId = try object.optional("transactionId")
        stackLevel = try object.required("stackLevel")
        chargingProfilePurpose = try object.required("chargingProfilePurpose")
        chargingProfileKind = try object.required("chargingProfileKind")
        recurrencyKind = try object.optional("recurrencyKind")
        validFrom = try object.optional("validFrom")
        validTo = try object.optional("validTo")
        chargingSchedule = try object.required("chargingSchedule")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("chargingProfileId", chargingProfileId)
            object.member("transactionId", transactionId)
            object.member("stackLevel", stackLevel)
            object.member("chargingProfilePurpose", chargingProfilePurpose)
            object.member("chargingProfileKind", chargingProfileKind)
            object.member("recurrencyKind", recurrencyKind)
            object.member("validFrom", validFrom)
            object.member("validTo", validTo)
            object.member("chargingSchedule", chargingSchedule)
        }
    }
}
