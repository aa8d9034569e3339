import Board
import OCPP16
import Testing

@testable import ChargePoint

/// Numbers an operator sends are judged by what they mean before the charger
/// computes with them: none traps, absurd ones are refused with the action's
/// own answer, and the driver's charge goes on untouched.
@Suite struct HostileNumbersTests {
    static let missingConnectors = [Int.min, -1, 3, 1 << 31, Int(Int32.max) + 1, Int.max]

    /// A charge running on connector 1 of two.
    static func charging() async -> Harness {
        let harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")])
        await harness.plug()
        _ = await harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "DRIVER"))
        return harness
    }

    /// The charge of `charging()` still runs, as it began.
    static func expectChargeGoesOn(_ harness: Harness, sourceLocation: SourceLocation = #_sourceLocation) async {
        #expect(await harness.status(1) == .charging, sourceLocation: sourceLocation)
        #expect(await harness.chargePoint.transactions.map(\.idTag) == ["DRIVER"], sourceLocation: sourceLocation)
        #expect(harness.uplink.stops.isEmpty, sourceLocation: sourceLocation)
    }

    /// A frame as it came off the wire, decoded and answered.
    static func answer(_ frame: String, _ harness: Harness) async throws -> any OCPPMessage {
        guard case .call(let call) = try Frame.parse(frame) else { throw FrameError(messageId: nil, code: .genericError, reason: "not a CALL") }
        let request = try #require(try call.validatedRequest(receivedBy: .chargePoint) as? any ChargePointOperation)
        return await perform(request, harness)
    }

    static func perform<Request: ChargePointOperation>(_ request: Request, _ harness: Harness) async -> any OCPPMessage {
        await harness.chargePoint.respond(to: request, from: RequestOrigin(operatorName: "home"), now: harness.now)
    }

    @Test func theSmallestConnectorNumberIsRefusedByEveryActionThatTookTheChargerDown() async throws {
        let harness = await Self.charging()
        let smallest = "-9223372036854775808"
        let availability = try await Self.answer(#"[2,"x","ChangeAvailability",{"connectorId":\#(smallest),"type":"Operative"}]"#, harness)
        #expect(availability as? ChangeAvailabilityResponse == ChangeAvailabilityResponse(status: .rejected))
        let unlock = try await Self.answer(#"[2,"x","UnlockConnector",{"connectorId":\#(smallest)}]"#, harness)
        #expect(unlock as? UnlockConnectorResponse == UnlockConnectorResponse(status: .notSupported))
        let trigger = try await Self.answer(#"[2,"x","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":\#(smallest)}]"#, harness)
        #expect(trigger as? TriggerMessageResponse == TriggerMessageResponse(status: .rejected))
        let reserve = try await Self.answer(
            #"[2,"x","ReserveNow",{"connectorId":\#(smallest),"expiryDate":"2030-01-01T00:00:00Z","idTag":"X","reservationId":1}]"#, harness)
        #expect(reserve as? ReserveNowResponse == ReserveNowResponse(status: .rejected))
        await Self.expectChargeGoesOn(harness)
    }

    @Test(arguments: missingConnectors)
    func connectorsTheChargerDoesNotHaveAreRefused(_ connector: Int) async {
        let harness = await Self.charging()
        harness.uplink.clear()
        #expect(await harness.respond(ChangeAvailabilityRequest(connectorId: connector, type: .inoperative))?.status == .rejected)
        #expect(await harness.respond(UnlockConnectorRequest(connectorId: connector))?.status == .notSupported)
        #expect(await harness.respond(TriggerMessageRequest(requestedMessage: .statusNotification, connectorId: connector))?.status == .rejected)
        #expect(await harness.respond(TriggerMessageRequest(requestedMessage: .meterValues, connectorId: connector))?.status == .rejected)
        let reservation = ReserveNowRequest(connectorId: connector, expiryDate: harness.now.adding(seconds: 600), idTag: "X", reservationId: 1)
        #expect(await harness.respond(reservation)?.status == .rejected)
        #expect(await harness.respond(RemoteStartTransactionRequest(connectorId: connector, idTag: "X"))?.status == .rejected)
        let profile = SmartChargingTests.profile(id: 1, periods: SmartChargingTests.flat(6))
        #expect(await harness.respond(SetChargingProfileRequest(connectorId: connector, csChargingProfiles: profile))?.status == .rejected)
        #expect(await harness.respond(GetCompositeScheduleRequest(connectorId: connector, duration: 60))?.status == .rejected)
        #expect(await harness.respond(ClearChargingProfileRequest(connectorId: connector))?.status == .unknown)
        // Nothing was sent for a connector that does not exist.
        #expect(harness.uplink.emitted.isEmpty)
        await Self.expectChargeGoesOn(harness)
    }

    @Test(arguments: ["9223372036854775807", "9223372036854775808", "-9223372036854775809", "-1", "2147483648", "1e308", "-1e308", "86401"])
    func integerKeysRefuseValuesOutsideTheirRange(_ value: String) async {
        var harness = await Self.charging()
        for key in ["HeartbeatInterval", "MeterValueSampleInterval", "ConnectionTimeOut", "MinimumStatusDuration"] {
            let before = await harness.chargePoint.configuration.value(key, for: "home")
            let answer = await harness.respond(ChangeConfigurationRequest(key: CiString50(truncating: key), value: CiString500(truncating: value)))
            #expect(answer?.status == .rejected, "\(key) = \(value)")
            #expect(await harness.chargePoint.configuration.value(key, for: "home") == before)
        }
        await harness.advance(seconds: 120)
        await Self.expectChargeGoesOn(harness)
    }

    @Test func listVersionsAtTheEdgesOfSixtyFourBits() async {
        let harness = await Harness()
        let entry = [AuthorizationData(idTag: "CARD", idTagInfo: IdTagInfo(status: .accepted))]
        for version in [Int.min, -1] {
            let answer = await harness.respond(SendLocalListRequest(listVersion: version, localAuthorizationList: entry, updateType: .full))
            #expect(answer?.status == .failed, "version \(version)")
        }
        #expect(await harness.respond(SendLocalListRequest(listVersion: .max, localAuthorizationList: entry, updateType: .full))?.status == .accepted)
        #expect(await harness.respond(GetLocalListVersionRequest())?.listVersion == .max)
        // No version comes after the largest: a differential update cannot apply.
        let differential = SendLocalListRequest(listVersion: .max, localAuthorizationList: entry, updateType: .differential)
        #expect(await harness.respond(differential)?.status == .versionMismatch)
    }

    @Test func reservationsWithExtremeIdsAndExpiriesDoNotDisturbTheCharge() async throws {
        var harness = await Self.charging()
        let past = ReserveNowRequest(connectorId: 2, expiryDate: OCPPDateTime(millisecondsSince1970: 0), idTag: "X", reservationId: 0)
        #expect(await harness.respond(past)?.status == .rejected)
        let farFuture = try #require(OCPPDateTime(rfc3339: "9999-12-31T23:59:59Z"))
        for (connector, id) in [(2, Int.min), (0, Int.max)] {
            let request = ReserveNowRequest(connectorId: connector, expiryDate: farFuture, idTag: "X", reservationId: id)
            #expect(await harness.respond(request)?.status == .accepted, "reservation \(id)")
        }
        await harness.advance(seconds: 1)
        #expect(await harness.status(2) == .reserved)
        #expect(await harness.respond(CancelReservationRequest(reservationId: Int.min))?.status == .accepted)
        #expect(await harness.respond(CancelReservationRequest(reservationId: Int.max))?.status == .accepted)
        await harness.advance(seconds: 1)
        #expect(await harness.status(2) == .available)
        await Self.expectChargeGoesOn(harness)
    }
}
