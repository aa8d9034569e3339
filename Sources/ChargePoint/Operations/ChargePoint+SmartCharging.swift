import OCPP16
import Store

/// Charging profiles per operator, and the limit the board gets: the lowest
/// of every operator's composite limit at this moment (operators.md). A
/// limit of 0 suspends charging (SuspendedEVSE); it never ends a transaction.
extension ChargePoint {
    /// The charger's smart-charging settings and its running transactions,
    /// each known by the charger's own number.
    var smartChargingContext: SmartChargingContext {
        let settings = SmartChargingConfiguration(
            connectorCount: connectors.count,
            allowedUnits: SmartChargingConfiguration.allowedUnits(
                fromConfigurationValue: configuration.value("ChargingScheduleAllowedChargingRateUnit")) ?? [.amperes, .watts],
            maxProfilesInstalled: configuration.integer("MaxChargingProfilesInstalled"),
            maxPeriodsPerSchedule: configuration.integer("ChargingScheduleMaxPeriods"),
            maxStackLevel: configuration.integer("ChargeProfileMaxStackLevel"),
            voltage: voltage, defaultPhases: phases, ratedAmperes: maximumCurrent)
        var transactions: [Int: ConnectorTransaction] = [:]
        for connector in connectors {
            if let transaction = connector.transaction {
                transactions[connector.number] = ConnectorTransaction(transactionId: Int(transaction.ref), start: transaction.startedAt)
            }
        }
        return SmartChargingContext(configuration: settings, transactions: transactions)
    }

    func setChargingProfile(_ request: SetChargingProfileRequest, for operatorName: String, now: OCPPDateTime) -> ChargingProfileStatus {
        var store = profiles[operatorName] ?? ChargingProfileStore()
        let status = store.install(request, context: smartChargingContext)
        if status == .accepted {
            profiles[operatorName] = store
            saveProfiles(for: operatorName)
            applyLimits(now: now)
        }
        return status
    }

    func clearChargingProfile(_ request: ClearChargingProfileRequest, for operatorName: String, now: OCPPDateTime) -> ClearChargingProfileStatus {
        guard var store = profiles[operatorName] else { return .unknown }
        let status = store.clear(request)
        profiles[operatorName] = store
        saveProfiles(for: operatorName)
        applyLimits(now: now)
        return status
    }

    /// The requesting operator's own view: its profiles, and the external
    /// limit in force, which binds every operator alike.
    func compositeSchedule(_ request: GetCompositeScheduleRequest, for operatorName: String, now: OCPPDateTime) -> GetCompositeScheduleResponse {
        (profiles[operatorName] ?? ChargingProfileStore()).compositeScheduleResponse(
            to: request, now: now, context: smartChargingContext, externalWatts: externalWatts(for: request.connectorId))
    }

    func transactionEndedForProfiles(connector: Int) {
        for name in profiles.keys {
            profiles[name]?.transactionEnded(connector: connector)
            saveProfiles(for: name)
        }
    }

    /// Why the TxProfile of a RemoteStartTransaction would be refused once
    /// its transaction runs on `connector`; nil when it would be installed.
    func remoteStartProfileRejection(
        _ profile: ChargingProfile, on connector: Int, for operatorName: String, now: OCPPDateTime
    ) -> ChargingProfileRejection? {
        var context = smartChargingContext
        context.transactions[connector] = ConnectorTransaction(transactionId: nil, start: now)
        var profile = profile
        // The id is the one of the transaction about to start.
        profile.transactionId = nil
        let request = SetChargingProfileRequest(connectorId: connector, csChargingProfiles: profile)
        return (profiles[operatorName] ?? ChargingProfileStore()).validate(request, context: context)
    }

    /// A TxProfile that came with RemoteStartTransaction, for the transaction just started.
    func installPendingRemoteProfile(on connector: Int, ref: Int64, now: OCPPDateTime) {
        guard let pending = pendingRemoteProfiles.removeValue(forKey: connector) else { return }
        var profile = pending.profile
        profile.transactionId = Int(ref)
        let status = setChargingProfile(
            SetChargingProfileRequest(connectorId: connector, csChargingProfiles: profile), for: pending.operatorName, now: now)
        if status != .accepted {
            logger.notice("the TxProfile of a remote start was refused", metadata: ["status": "\(status.rawValue)"])
        }
    }

    /// Works out each connector's limit (every operator's profiles and the
    /// external limit) and hands changes to the board; a limit of 0 opens
    /// the relay, a limit above 0 closes it again.
    func applyLimits(now: OCPPDateTime) {
        let context = smartChargingContext
        for index in connectors.indices {
            guard let transaction = connectors[index].transaction else { continue }
            let number = connectors[index].number
            let lowest = ChargingLimit.lowest(
                among: profiles.values, at: now, connector: number, context: context, externalWatts: externalWatts(for: number))
            let amperes = lowest.map { min($0.amperes, maximumCurrent) }
            guard amperes != connectors[index].limitAmperes || connectors[index].reportedLimit == nil else { continue }
            let wasSuspended = connectors[index].limitAmperes == 0
            connectors[index].limitAmperes = amperes
            connectors[index].reportedLimit = amperes ?? maximumCurrent
            board.perform(.currentLimit(connector: number, amperes: amperes ?? maximumCurrent))
            if amperes == 0 {
                connectors[index].relayCommanded = false
                board.perform(.relay(connector: number, closed: false))
            } else if wasSuspended, !transaction.deauthorized {
                setRelay(number, closed: true)
            }
        }
    }

    /// An operator's profiles go to their table whole, one row each.
    func saveProfiles(for operatorName: String) {
        guard let store = profiles[operatorName], let persistence else { return }
        let rows = store.installed.map { entry in
            StoredChargingProfile(
                profileId: Int64(entry.profile.chargingProfileId), connector: Int64(entry.connectorId),
                stackLevel: Int64(entry.profile.stackLevel), purpose: entry.profile.chargingProfilePurpose.rawValue,
                profile: String(decoding: PayloadCoding.encodedBytes(entry.profile), as: UTF8.self))
        }
        persist("charging profiles") { try ChargingProfileTable(database: persistence.database).replace(of: operatorName, with: rows) }
    }

    func loadProfiles() {
        guard let persistence else { return }
        let stored: [String: [StoredChargingProfile]]
        do {
            stored = try ChargingProfileTable(database: persistence.database).all()
        } catch {
            logger.error("cannot read the charging profiles", metadata: ["error": "\(error)"])
            return
        }
        for (name, rows) in stored {
            var installed: [InstalledChargingProfile] = []
            for row in rows {
                do {
                    let profile = try PayloadCoding.decode(ChargingProfile.self, from: JSONParser.parse(row.profile))
                    guard let connector = Int(exactly: row.connector) else { continue }
                    installed.append(InstalledChargingProfile(connectorId: connector, profile: profile))
                } catch {
                    logger.error("unreadable charging profile ignored", metadata: ["operator": "\(name)", "id": "\(row.profileId)"])
                }
            }
            profiles[name] = ChargingProfileStore(installed: installed)
        }
    }
}
