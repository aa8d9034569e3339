import OCPP16

extension ChargingProfileStore {
    /// This operator's limit on `connectorId` at `instant` (nil: its profiles
    /// do not limit then). Connector 0 answers its ChargePointMaxProfile.
    public func limit(at instant: OCPPDateTime, connector connectorId: Int, context: SmartChargingContext)
        -> ChargingLimit?
    {
        ChargingLimit.lowest(among: [self], at: instant, connector: connectorId, context: context)
    }

    /// The profiles that can bear on `connectorId`: the ChargePointMaxProfiles,
    /// and for a real connector its TxProfiles (only while a transaction
    /// runs there) and the TxDefaultProfiles of that connector or of all.
    func candidates(for connectorId: Int, context: SmartChargingContext) -> [InstalledChargingProfile] {
        let transactionRuns = context.transactions[connectorId] != nil
        return installed.filter { entry in
            switch entry.profile.chargingProfilePurpose {
            case .chargePointMaxProfile: entry.connectorId == 0
            case .txDefaultProfile: connectorId > 0 && (entry.connectorId == connectorId || entry.connectorId == 0)
            case .txProfile: connectorId > 0 && entry.connectorId == connectorId && transactionRuns
            }
        }
    }

    /// Where Relative schedules of `purpose` start on `connectorId`.
    func relativeOrigin(
        for purpose: ChargingProfilePurpose, connector connectorId: Int, now: Int64, context: SmartChargingContext
    ) -> Int64 {
        guard purpose != .chargePointMaxProfile, let transaction = context.transactions[connectorId] else { return now }
        return transaction.start.millisecondsSince1970
    }

    /// The constraint of this operator's profiles on `connectorId` at
    /// `instant`, with `now` as the origin of Relative schedules that have no
    /// transaction: within each purpose the highest stack level in force
    /// wins, a TxProfile overrides the TxDefaultProfile, and the
    /// ChargePointMaxProfile caps the result.
    func constraint(
        on connectorId: Int, at instant: Int64, now: Int64, context: SmartChargingContext
    ) -> LimitConstraint? {
        let candidates = candidates(for: connectorId, context: context)
        func winner(_ purpose: ChargingProfilePurpose) -> LimitConstraint? {
            let origin = relativeOrigin(for: purpose, connector: connectorId, now: now, context: context)
            var best: (entry: InstalledChargingProfile, period: ChargingSchedulePeriod)?
            for entry in candidates where entry.profile.chargingProfilePurpose == purpose {
                guard let period = entry.period(at: instant, relativeOrigin: origin) else { continue }
                if let current = best, !Self.outranks(entry, current.entry) { continue }
                best = (entry, period)
            }
            guard let best else { return nil }
            return LimitConstraint(
                best.period, unit: best.entry.profile.chargingSchedule.chargingRateUnit,
                defaultPhases: context.configuration.defaultPhases)
        }
        let chargePointMax = winner(.chargePointMaxProfile)
        guard connectorId > 0 else { return chargePointMax }
        return LimitConstraint.tightest([winner(.txProfile) ?? winner(.txDefaultProfile), chargePointMax])
    }

    /// Higher stack level first; at equal level a profile for this very
    /// connector before one installed for all connectors.
    private static func outranks(_ entry: InstalledChargingProfile, _ other: InstalledChargingProfile) -> Bool {
        if entry.profile.stackLevel != other.profile.stackLevel {
            return entry.profile.stackLevel > other.profile.stackLevel
        }
        return entry.connectorId != 0 && other.connectorId == 0
    }
}
