import OCPP16

/// The charging profiles one operator has installed, with the OCPP 1.6 rules
/// for adding and removing them.
///
/// Each operator has its own store, so that one operator's
/// ClearChargingProfile never removes another's limits. The store is a plain
/// value: the caller decides when to persist it (it is `Codable`) and passes
/// in the charger's state, so the rules can be checked without a clock or a
/// connector state machine.
public struct ChargingProfileStore: Codable, Sendable, Equatable {
    /// In installation order.
    public private(set) var installed: [InstalledChargingProfile]

    /// An empty store; a saved one comes back through `Decodable`.
    public init() {
        installed = []
    }

    /// Profiles as they were stored, in installation order.
    init(installed: [InstalledChargingProfile]) {
        self.installed = installed
    }

    /// Handles SetChargingProfile.req: installs the profile, replacing any
    /// profile with the same chargingProfileId and any with the same
    /// stackLevel and purpose on the same connector, or leaves the store
    /// untouched and answers `Rejected`.
    public mutating func install(
        _ request: SetChargingProfileRequest, context: SmartChargingContext
    ) -> ChargingProfileStatus {
        if validate(request, context: context) != nil {
            return .rejected
        }
        installed.removeAll { Self.isReplaced($0, by: request) }
        installed.append(
            InstalledChargingProfile(connectorId: request.connectorId, profile: request.csChargingProfiles))
        return .accepted
    }

    /// Handles ClearChargingProfile.req: removes every profile matching all
    /// the fields given (none given: every profile). `Unknown` when nothing
    /// matched.
    public mutating func clear(_ request: ClearChargingProfileRequest) -> ClearChargingProfileStatus {
        let before = installed.count
        installed.removeAll { Self.matches($0, request) }
        return installed.count < before ? .accepted : .unknown
    }

    /// A TxProfile lives only as long as its transaction.
    public mutating func transactionEnded(connector connectorId: Int) {
        installed.removeAll { $0.connectorId == connectorId && $0.profile.chargingProfilePurpose == .txProfile }
    }

    /// Drops the profiles that can never apply again, so that they stop
    /// counting against MaxChargingProfilesInstalled: those past validTo and
    /// Absolute ones whose schedule has run its duration.
    public mutating func removeExpired(now: OCPPDateTime) {
        installed.removeAll { entry in
            let profile = entry.profile
            if let validTo = profile.validTo, validTo <= now { return true }
            guard profile.chargingProfileKind == .absolute,
                let start = profile.chargingSchedule.startSchedule,
                let duration = profile.chargingSchedule.duration
            else { return false }
            return Milliseconds.add(start.millisecondsSince1970, seconds: duration) <= now.millisecondsSince1970
        }
    }

    static func isReplaced(_ entry: InstalledChargingProfile, by request: SetChargingProfileRequest) -> Bool {
        let new = request.csChargingProfiles
        if entry.profile.chargingProfileId == new.chargingProfileId { return true }
        return entry.connectorId == request.connectorId
            && entry.profile.stackLevel == new.stackLevel
            && entry.profile.chargingProfilePurpose == new.chargingProfilePurpose
    }

    static func matches(_ entry: InstalledChargingProfile, _ request: ClearChargingProfileRequest) -> Bool {
        if let id = request.id, id != entry.profile.chargingProfileId { return false }
        if let connectorId = request.connectorId, connectorId != entry.connectorId { return false }
        if let purpose = request.chargingProfilePurpose, purpose != entry.profile.chargingProfilePurpose {
            return false
        }
        if let stackLevel = request.stackLevel, stackLevel != entry.profile.stackLevel { return false }
        return true
    }
}
