import FoundationEssentials
import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    @Suite struct InstallRules {
        let running = ConnectorTransaction(transactionId: 77, start: at("2026-03-02T10:00:00Z"))

        func request(_ connector: Int, _ profile: ChargingProfile) -> SetChargingProfileRequest {
            SetChargingProfileRequest(connectorId: connector, csChargingProfiles: profile)
        }

        /// Installs into a store holding one TxDefaultProfile and expects a
        /// refusal for `reason` that leaves the store as it was.
        func expectRejected(
            _ request: SetChargingProfileRequest, _ reason: ChargingProfileRejection,
            context: SmartChargingContext? = nil
        ) throws {
            let context = context ?? SmartChargingTests.context(transactions: [1: running])
            var store = try storeWith([(0, profile(id: 1, periods: flat(32)))], context: context)
            let before = store
            #expect(store.validate(request, context: context) == reason)
            #expect(store.install(request, context: context) == .rejected)
            #expect(store == before)
        }

        @Test func acceptsTxDefaultProfileOnAllConnectorsOrOne() throws {
            let context = context()
            var store = ChargingProfileStore()
            #expect(store.install(request(0, profile(id: 1, periods: flat(32))), context: context) == .accepted)
            #expect(store.install(request(2, profile(id: 2, periods: flat(16))), context: context) == .accepted)
            #expect(store.installed.map(\.connectorId) == [0, 2])
        }

        @Test func sameIdReplacesTheOldProfileEvenOnAnotherConnector() throws {
            let context = context()
            var store = try storeWith([(1, profile(id: 5, stackLevel: 1, periods: flat(32)))], context: context)
            #expect(
                store.install(request(2, profile(id: 5, stackLevel: 3, periods: flat(10))), context: context)
                    == .accepted)
            #expect(store.installed.count == 1)
            #expect(store.installed[0].connectorId == 2)
            #expect(store.installed[0].profile.chargingSchedule.chargingSchedulePeriod[0].limit == 10)
        }

        @Test func sameStackLevelAndPurposeOnTheSameConnectorReplaces() throws {
            let context = context()
            var store = try storeWith(
                [
                    (1, profile(id: 1, stackLevel: 2, periods: flat(32))),
                    (2, profile(id: 2, stackLevel: 2, periods: flat(20))),
                ],
                context: context)
            #expect(
                store.install(request(1, profile(id: 3, stackLevel: 2, periods: flat(6))), context: context)
                    == .accepted)
            #expect(store.installed.map(\.profile.chargingProfileId) == [2, 3])
        }

        @Test func sameStackLevelWithAnotherPurposeIsKept() throws {
            let context = context(transactions: [1: running])
            var store = try storeWith([(1, profile(id: 1, stackLevel: 2, periods: flat(32)))], context: context)
            let tx = profile(id: 2, purpose: .txProfile, stackLevel: 2, periods: flat(8))
            #expect(store.install(request(1, tx), context: context) == .accepted)
            #expect(store.installed.map(\.profile.chargingProfileId) == [1, 2])
        }

        @Test func txProfileNeedsTheRunningTransaction() throws {
            let context = context(transactions: [1: running])
            var store = ChargingProfileStore()
            let matching = profile(id: 1, purpose: .txProfile, transactionId: 77, periods: flat(10))
            let unnamed = profile(id: 2, purpose: .txProfile, stackLevel: 1, periods: flat(12))
            #expect(store.install(request(1, matching), context: context) == .accepted)
            #expect(store.install(request(1, unnamed), context: context) == .accepted)
            #expect(store.installed.count == 2)
        }

        @Test func rejectsConnectorBeyondTheCharger() throws {
            try expectRejected(request(3, profile(id: 9, periods: flat(16))), .unknownConnector)
            try expectRejected(request(-1, profile(id: 9, periods: flat(16))), .unknownConnector)
        }

        @Test func rejectsChargePointMaxProfileOnAConnector() throws {
            try expectRejected(
                request(1, profile(id: 9, purpose: .chargePointMaxProfile, periods: flat(16))),
                .chargePointMaxProfileNotOnConnectorZero)
        }

        @Test func rejectsTxProfileOnConnectorZero() throws {
            try expectRejected(
                request(0, profile(id: 9, purpose: .txProfile, periods: flat(16))), .transactionProfileOnConnectorZero)
        }

        @Test func rejectsTxProfileWithoutTransaction() throws {
            try expectRejected(
                request(2, profile(id: 9, purpose: .txProfile, periods: flat(16))), .noTransactionOnConnector)
        }

        @Test func rejectsTxProfileForAnotherTransaction() throws {
            try expectRejected(
                request(1, profile(id: 9, purpose: .txProfile, transactionId: 78, periods: flat(16))),
                .transactionIdMismatch)
        }

        @Test func rejectsNamedTransactionWhoseIdIsNotKnownYet() throws {
            let pending = context(transactions: [
                1: ConnectorTransaction(transactionId: nil, start: at("2026-03-02T10:00:00Z"))
            ])
            try expectRejected(
                request(1, profile(id: 9, purpose: .txProfile, transactionId: 77, periods: flat(16))),
                .transactionIdMismatch, context: pending)
        }

        @Test func rejectsUnitOutsideAllowedUnits() throws {
            let currentOnly = context { $0.allowedUnits = [.amperes] }
            try expectRejected(
                request(1, profile(id: 9, unit: .watts, periods: flat(7000))), .unitNotAllowed, context: currentOnly)
        }

        @Test func rejectsScheduleWithoutPeriods() throws {
            try expectRejected(request(1, profile(id: 9, periods: [])), .noPeriods)
        }

        @Test func rejectsMorePeriodsThanChargingScheduleMaxPeriods() throws {
            let three = context { $0.maxPeriodsPerSchedule = 3 }
            let periods = (0..<4).map { ChargingSchedulePeriod(startPeriod: $0 * 600, limit: 16) }
            try expectRejected(request(1, profile(id: 9, periods: periods)), .tooManyPeriods, context: three)
        }

        @Test func rejectsPeriodsNotStartingAtZero() throws {
            try expectRejected(
                request(1, profile(id: 9, periods: [ChargingSchedulePeriod(startPeriod: 60, limit: 16)])),
                .periodsOutOfOrder)
        }

        @Test func rejectsPeriodsNotIncreasing() throws {
            let periods = [
                ChargingSchedulePeriod(startPeriod: 0, limit: 16), ChargingSchedulePeriod(startPeriod: 600, limit: 10),
                ChargingSchedulePeriod(startPeriod: 600, limit: 8),
            ]
            try expectRejected(request(1, profile(id: 9, periods: periods)), .periodsOutOfOrder)
        }

        @Test func rejectsNegativeLimitAndImpossiblePhases() throws {
            try expectRejected(request(1, profile(id: 9, periods: flat(-1))), .invalidPeriod)
            try expectRejected(request(1, profile(id: 9, periods: flat(16, phases: 4))), .invalidPeriod)
        }

        @Test func rejectsStackLevelAboveChargeProfileMaxStackLevel() throws {
            let low = context { $0.maxStackLevel = 3 }
            try expectRejected(
                request(1, profile(id: 9, stackLevel: 4, periods: flat(16))), .stackLevelOutOfRange, context: low)
            try expectRejected(request(1, profile(id: 9, stackLevel: -1, periods: flat(16))), .stackLevelOutOfRange)
        }

        @Test func rejectsRecurringWithoutKindOrAnchor() throws {
            try expectRejected(
                request(1, profile(id: 9, kind: .recurring, start: "2026-03-02T00:00:00Z", periods: flat(16))),
                .incompleteRecurrence)
            try expectRejected(
                request(1, profile(id: 9, kind: .recurring, recurrency: .daily, periods: flat(16))),
                .incompleteRecurrence)
        }

        @Test func rejectsEmptyValidityWindowAndNegativeDuration() throws {
            try expectRejected(
                request(
                    1,
                    profile(
                        id: 9, validFrom: "2026-03-02T12:00:00Z", validTo: "2026-03-02T12:00:00Z", periods: flat(16))),
                .invalidTimeWindow)
            try expectRejected(request(1, profile(id: 9, duration: -60, periods: flat(16))), .invalidTimeWindow)
        }

        @Test func respectsMaxChargingProfilesInstalledButLetsReplacementsThrough() throws {
            let two = context { $0.maxProfilesInstalled = 2 }
            var store = try storeWith(
                [(1, profile(id: 1, periods: flat(16))), (2, profile(id: 2, periods: flat(16)))], context: two)
            let third = request(1, profile(id: 3, stackLevel: 1, periods: flat(10)))
            #expect(store.validate(third, context: two) == .tooManyProfiles)
            #expect(store.install(third, context: two) == .rejected)
            #expect(store.install(request(1, profile(id: 1, periods: flat(10))), context: two) == .accepted)
            #expect(store.installed.count == 2)
        }

        @Test func endingTheTransactionRemovesOnlyItsTxProfiles() throws {
            let both = context(transactions: [
                1: running, 2: ConnectorTransaction(transactionId: 78, start: running.start),
            ])
            var store = try storeWith(
                [
                    (1, profile(id: 1, purpose: .txProfile, periods: flat(10))),
                    (2, profile(id: 2, purpose: .txProfile, periods: flat(12))),
                    (1, profile(id: 3, periods: flat(16))),
                ], context: both)
            store.transactionEnded(connector: 1)
            #expect(store.installed.map(\.profile.chargingProfileId) == [2, 3])
        }

        @Test func survivesAJSONRoundTrip() throws {
            let context = context(transactions: [1: running])
            let store = try storeWith(
                [
                    (
                        0,
                        profile(
                            id: 1, purpose: .chargePointMaxProfile, kind: .recurring, recurrency: .daily,
                            start: "2026-03-02T18:00:00Z", duration: 14_400, unit: .watts, periods: flat(11_000.5))
                    ),
                    (1, profile(id: 2, purpose: .txProfile, transactionId: 77, periods: flat(6.3, phases: 1))),
                ], context: context)
            let json = try JSONEncoder().encode(store)
            #expect(try JSONDecoder().decode(ChargingProfileStore.self, from: json) == store)
        }
    }
}
