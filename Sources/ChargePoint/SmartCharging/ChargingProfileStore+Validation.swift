import OCPP16

extension ChargingProfileStore {
    /// The first OCPP 1.6 rule the request breaks, or nil when
    /// `install(_:context:)` would accept it.
    public func validate(
        _ request: SetChargingProfileRequest, context: SmartChargingContext
    ) -> ChargingProfileRejection? {
        let configuration = context.configuration
        let connectorId = request.connectorId
        let profile = request.csChargingProfiles
        guard connectorId >= 0, connectorId <= configuration.connectorCount else { return .unknownConnector }

        switch profile.chargingProfilePurpose {
        case .chargePointMaxProfile:
            guard connectorId == 0 else { return .chargePointMaxProfileNotOnConnectorZero }
        case .txDefaultProfile:
            break
        case .txProfile:
            guard connectorId > 0 else { return .transactionProfileOnConnectorZero }
            guard let transaction = context.transactions[connectorId] else { return .noTransactionOnConnector }
            if let wanted = profile.transactionId, wanted != transaction.transactionId {
                return .transactionIdMismatch
            }
        }

        guard (0...max(0, configuration.maxStackLevel)).contains(profile.stackLevel) else {
            return .stackLevelOutOfRange
        }
        if let rejection = Self.validate(profile.chargingSchedule, configuration: configuration) {
            return rejection
        }
        if profile.chargingProfileKind == .recurring,
            profile.recurrencyKind == nil || profile.chargingSchedule.startSchedule == nil
        {
            return .incompleteRecurrence
        }
        if let from = profile.validFrom, let to = profile.validTo, to <= from {
            return .invalidTimeWindow
        }

        let remaining = installed.count(where: { !Self.isReplaced($0, by: request) })
        guard remaining < configuration.maxProfilesInstalled else { return .tooManyProfiles }
        return nil
    }

    /// The largest limit a profile may set, per unit: far beyond any charger
    /// (a megawatt charger draws some 3000 A), yet above the large round
    /// figures some Central Systems send to mean "no limit". A larger
    /// number is garbage, not a limit, and the profile is refused.
    static func largestLimit(in unit: ChargingRateUnit) -> ChargingRate {
        switch unit {
        case .amperes: 10_000
        case .watts: 10_000_000
        }
    }

    private static func validate(
        _ schedule: ChargingSchedule, configuration: SmartChargingConfiguration
    ) -> ChargingProfileRejection? {
        guard configuration.allowedUnits.contains(schedule.chargingRateUnit) else { return .unitNotAllowed }
        let periods = schedule.chargingSchedulePeriod
        guard let first = periods.first else { return .noPeriods }
        guard periods.count <= configuration.maxPeriodsPerSchedule else { return .tooManyPeriods }
        guard first.startPeriod == 0, zip(periods, periods.dropFirst()).allSatisfy({ $0.startPeriod < $1.startPeriod })
        else { return .periodsOutOfOrder }
        let largest = largestLimit(in: schedule.chargingRateUnit)
        for period in periods {
            guard period.limit.tenths >= 0, period.limit <= largest else { return .invalidPeriod }
            if let phases = period.numberPhases, !(1...3).contains(phases) { return .invalidPeriod }
        }
        if let minimum = schedule.minChargingRate, minimum.tenths < 0 || minimum > largest { return .invalidPeriod }
        if let duration = schedule.duration, duration < 0 { return .invalidTimeWindow }
        return nil
    }
}
