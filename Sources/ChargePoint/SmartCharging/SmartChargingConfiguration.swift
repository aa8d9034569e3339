import OCPP16

/// The charger's smart-charging capabilities and electrical facts: what the
/// configuration keys `ChargingScheduleAllowedChargingRateUnit`,
/// `ChargingScheduleMaxPeriods`, `ChargeProfileMaxStackLevel` and
/// `MaxChargingProfilesInstalled` say, plus what is needed to turn watts into
/// amperes.
public struct SmartChargingConfiguration: Sendable, Equatable {
    /// Connectors 1...connectorCount exist; 0 is the charge point as a whole.
    public var connectorCount: Int
    /// The units a profile may be written in (`ChargingScheduleAllowedChargingRateUnit`).
    public var allowedUnits: Set<ChargingRateUnit>
    /// The unit of a composite schedule when the request names none.
    public var preferredUnit: ChargingRateUnit
    /// `MaxChargingProfilesInstalled`, counted per operator.
    public var maxProfilesInstalled: Int
    /// `ChargingScheduleMaxPeriods`: the most periods one schedule may hold.
    public var maxPeriodsPerSchedule: Int
    /// `ChargeProfileMaxStackLevel`: stack levels run from 0 to this.
    public var maxStackLevel: Int
    /// Phase-to-neutral voltage used for W = A × V × phases.
    public var voltage: Double
    /// Phases assumed when a period does not say (OCPP: 3).
    public var defaultPhases: Int
    /// The connector's rated current per phase. A composite schedule reports
    /// it where no profile limits, because OCPP has no way to say "no limit"
    /// in the middle of a schedule.
    public var ratedAmperes: Double

    public init(
        connectorCount: Int,
        allowedUnits: Set<ChargingRateUnit> = [.amperes, .watts],
        preferredUnit: ChargingRateUnit = .amperes,
        maxProfilesInstalled: Int = 20,
        maxPeriodsPerSchedule: Int = 48,
        maxStackLevel: Int = 10,
        voltage: Double = 230,
        defaultPhases: Int = 3,
        ratedAmperes: Double = 32
    ) {
        self.connectorCount = connectorCount
        self.allowedUnits = allowedUnits
        self.preferredUnit = preferredUnit
        self.maxProfilesInstalled = maxProfilesInstalled
        self.maxPeriodsPerSchedule = maxPeriodsPerSchedule
        self.maxStackLevel = maxStackLevel
        self.voltage = voltage
        self.defaultPhases = defaultPhases
        self.ratedAmperes = ratedAmperes
    }

    /// Reads a `ChargingScheduleAllowedChargingRateUnit` value such as
    /// `"Current"`, `"Power"` or `"Current,Power"`; nil when a member is not
    /// one of those two words or the list is empty, so that
    /// ChangeConfiguration can refuse it.
    public static func allowedUnits(fromConfigurationValue text: String) -> Set<ChargingRateUnit>? {
        var units: Set<ChargingRateUnit> = []
        for member in text.split(separator: ",", omittingEmptySubsequences: false) {
            switch member.filter({ $0 != " " }).lowercased() {
            case "current": units.insert(.amperes)
            case "power": units.insert(.watts)
            default: return nil
            }
        }
        return units.isEmpty ? nil : units
    }
}
