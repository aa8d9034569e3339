import OCPP16
import Testing

@testable import ChargePoint

extension SmartChargingTests {
    @Suite struct ClearRules {
        let context = SmartChargingTests.context(
            transactions: [1: ConnectorTransaction(transactionId: 77, start: at("2026-03-02T10:00:00Z"))])

        /// Ids 1...5: a charger-wide cap, two defaults for all connectors, a
        /// default for connector 2 and a TxProfile on connector 1.
        func fullStore() throws -> ChargingProfileStore {
            try storeWith(
                [
                    (0, profile(id: 1, purpose: .chargePointMaxProfile, periods: flat(40))),
                    (0, profile(id: 2, stackLevel: 0, periods: flat(32))),
                    (0, profile(id: 3, stackLevel: 1, periods: flat(20))),
                    (2, profile(id: 4, stackLevel: 1, periods: flat(16))),
                    (1, profile(id: 5, purpose: .txProfile, stackLevel: 1, periods: flat(10))),
                ], context: context)
        }

        func remaining(after request: ClearChargingProfileRequest) throws -> (ClearChargingProfileStatus, [Int]) {
            var store = try fullStore()
            let status = store.clear(request)
            return (status, store.installed.map(\.profile.chargingProfileId))
        }

        @Test func clearsById() throws {
            let (status, left) = try remaining(after: ClearChargingProfileRequest(id: 3))
            #expect(status == .accepted)
            #expect(left == [1, 2, 4, 5])
        }

        @Test func clearsByPurpose() throws {
            let (status, left) = try remaining(
                after: ClearChargingProfileRequest(chargingProfilePurpose: .txDefaultProfile))
            #expect(status == .accepted)
            #expect(left == [1, 5])
        }

        @Test func clearsByStackLevel() throws {
            let (status, left) = try remaining(after: ClearChargingProfileRequest(stackLevel: 1))
            #expect(status == .accepted)
            #expect(left == [1, 2])
        }

        @Test func clearsByConnectorOnlyWhatWasInstalledThere() throws {
            let (status, left) = try remaining(after: ClearChargingProfileRequest(connectorId: 0))
            #expect(status == .accepted)
            #expect(left == [4, 5])
        }

        @Test func everyGivenFieldMustMatch() throws {
            let (status, left) = try remaining(
                after: ClearChargingProfileRequest(
                    connectorId: 2, chargingProfilePurpose: .txDefaultProfile, stackLevel: 1))
            #expect(status == .accepted)
            #expect(left == [1, 2, 3, 5])
            let (miss, unchanged) = try remaining(after: ClearChargingProfileRequest(id: 3, connectorId: 2))
            #expect(miss == .unknown)
            #expect(unchanged == [1, 2, 3, 4, 5])
        }

        @Test func noFieldsClearsEverything() throws {
            let (status, left) = try remaining(after: ClearChargingProfileRequest())
            #expect(status == .accepted)
            #expect(left == [])
        }

        @Test func nothingMatchingIsUnknown() throws {
            let (status, left) = try remaining(after: ClearChargingProfileRequest(id: 42))
            #expect(status == .unknown)
            #expect(left == [1, 2, 3, 4, 5])
            var empty = ChargingProfileStore()
            #expect(empty.clear(ClearChargingProfileRequest()) == .unknown)
        }

        @Test func expiredProfilesAreDropped() throws {
            var store = try storeWith(
                [
                    (1, profile(id: 1, validTo: "2026-03-02T11:00:00Z", periods: flat(16))),
                    (
                        1,
                        profile(id: 2, stackLevel: 1, start: "2026-03-02T09:00:00Z", duration: 3600, periods: flat(10))
                    ),
                    (
                        1,
                        profile(id: 3, stackLevel: 2, start: "2026-03-02T09:00:00Z", duration: 10_800, periods: flat(8))
                    ),
                    (1, profile(id: 4, stackLevel: 3, kind: .relative, duration: 60, periods: flat(6))),
                ], context: context)
            store.removeExpired(now: at("2026-03-02T11:00:00Z"))
            #expect(store.installed.map(\.profile.chargingProfileId) == [3, 4])
        }
    }
}
