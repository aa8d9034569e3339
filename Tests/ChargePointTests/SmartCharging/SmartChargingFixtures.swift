import OCPP16
import Testing

@testable import ChargePoint

/// Groups the smart-charging suites so that `--filter SmartCharging` finds
/// them all, and holds the builders they share.
@Suite enum SmartChargingTests {
    /// Parses an RFC 3339 instant; the fixtures are literals, so a typo is a
    /// programming error.
    static func at(_ text: String) -> OCPPDateTime {
        guard let instant = OCPPDateTime(rfc3339: text) else { preconditionFailure("bad fixture date \(text)") }
        return instant
    }

    static func profile(
        id: Int, purpose: ChargingProfilePurpose = .txDefaultProfile, stackLevel: Int = 0,
        kind: ChargingProfileKind = .absolute, recurrency: RecurrencyKind? = nil, transactionId: Int? = nil,
        start: String? = nil, duration: Int? = nil, validFrom: String? = nil, validTo: String? = nil,
        unit: ChargingRateUnit = .amperes, periods: [ChargingSchedulePeriod]
    ) -> ChargingProfile {
        ChargingProfile(
            chargingProfileId: id, transactionId: transactionId, stackLevel: stackLevel,
            chargingProfilePurpose: purpose, chargingProfileKind: kind, recurrencyKind: recurrency,
            validFrom: validFrom.map(at), validTo: validTo.map(at),
            chargingSchedule: ChargingSchedule(
                duration: duration, startSchedule: start.map(at), chargingRateUnit: unit,
                chargingSchedulePeriod: periods))
    }

    /// One period from the start: the commonest schedule in these tests.
    static func flat(_ limit: ChargingRate, phases: Int? = nil) -> [ChargingSchedulePeriod] {
        [ChargingSchedulePeriod(startPeriod: 0, limit: limit, numberPhases: phases)]
    }

    static func context(
        connectors: Int = 2, transactions: [Int: ConnectorTransaction] = [:],
        configure: (inout SmartChargingConfiguration) -> Void = { _ in }
    ) -> SmartChargingContext {
        var configuration = SmartChargingConfiguration(connectorCount: connectors)
        configure(&configuration)
        return SmartChargingContext(configuration: configuration, transactions: transactions)
    }

    /// A store holding `profiles`, each installed through the OCPP rules.
    static func storeWith(
        _ profiles: [(connector: Int, profile: ChargingProfile)], context: SmartChargingContext
    ) throws -> ChargingProfileStore {
        var store = ChargingProfileStore()
        for (connector, profile) in profiles {
            let status = store.install(
                SetChargingProfileRequest(connectorId: connector, csChargingProfiles: profile), context: context)
            try #require(status == .accepted, "profile \(profile.chargingProfileId) was refused")
        }
        return store
    }

    /// The composite as (offset, amperes or nil) pairs, easy to compare.
    static func steps(
        _ stores: [ChargingProfileStore], connector: Int = 1, from start: String, seconds: Int,
        context: SmartChargingContext
    ) -> [Step] {
        CompositeSchedule(
            connectorId: connector, start: at(start), duration: seconds, stores: stores, context: context
        ).periods.map { Step($0.startOffset, $0.limit?.amperes) }
    }

    struct Step: Equatable, CustomStringConvertible {
        var offset: Int
        var amperes: Double?
        init(_ offset: Int, _ amperes: Double?) {
            self.offset = offset
            self.amperes = amperes
        }
        var description: String { "\(offset)s: \(amperes.map { "\($0) A" } ?? "none")" }
    }
}
