import Board
import OCPP16
import Testing

@testable import ChargePoint

/// The OCPP 1.6 authorization rules, against the authority's own list and cache.
@Suite struct AuthorizationTests {
    static let accepted = IdTagInfo(status: .accepted)

    func listed(_ harness: Harness, _ entries: [(String, AuthorizationStatus)], version: Int = 1) async {
        let request = SendLocalListRequest(
            listVersion: version,
            localAuthorizationList: entries.map { AuthorizationData(idTag: IdToken(stringLiteral: $0.0), idTagInfo: IdTagInfo(status: $0.1)) },
            updateType: .full)
        let answer = await harness.respond(request)
        #expect(answer?.status == .accepted)
    }

    @Test func onlineCardsAreAskedOfTheAuthority() async {
        let harness = await Harness()
        harness.uplink.answer("GOOD", .accepted)
        await harness.plug()
        await harness.swipe("BAD")
        #expect(harness.uplink.starts.isEmpty)
        #expect(harness.board.connector(1)?.lastIndication == .rejected)
        await harness.swipe("GOOD")
        #expect(harness.uplink.asked == ["BAD", "GOOD"])
        #expect(harness.uplink.starts.map(\.idTag) == ["GOOD"])
    }

    @Test func localPreAuthorizeStartsWithoutAskingOnAListHit() async {
        let harness = await Harness(settings: [("LocalPreAuthorize", "true")])
        await listed(harness, [("LISTED", .accepted)])
        await harness.plug()
        await harness.swipe("listed")
        #expect(harness.uplink.asked.isEmpty)
        #expect(harness.uplink.starts.count == 1)
    }

    @Test func withoutLocalPreAuthorizeTheAuthorityIsStillAsked() async {
        let harness = await Harness(settings: [("LocalPreAuthorize", "false")])
        await listed(harness, [("LISTED", .accepted)])
        harness.uplink.answer("LISTED", .blocked)
        await harness.plug()
        await harness.swipe("LISTED")
        #expect(harness.uplink.asked == ["LISTED"])
        #expect(harness.uplink.starts.isEmpty)
    }

    @Test func offlineUsesTheLocalListWhenLocalAuthorizeOffline() async {
        let harness = await Harness(settings: [("LocalAuthorizeOffline", "true")])
        await listed(harness, [("LISTED", .accepted), ("BLOCKED", .blocked)])
        harness.uplink.setOnline(false)
        await harness.plug()
        await harness.swipe("BLOCKED")
        #expect(harness.uplink.starts.isEmpty)
        await harness.swipe("LISTED")
        #expect(harness.uplink.starts.count == 1)
    }

    @Test func offlineUnknownCardNeedsAllowOfflineTxForUnknownId() async {
        let refused = await Harness(settings: [("AllowOfflineTxForUnknownId", "false")])
        refused.uplink.setOnline(false)
        await refused.plug()
        await refused.swipe("STRANGER")
        #expect(refused.uplink.starts.isEmpty)

        let allowed = await Harness(settings: [("AllowOfflineTxForUnknownId", "true")])
        allowed.uplink.setOnline(false)
        await allowed.plug()
        await allowed.swipe("STRANGER")
        #expect(allowed.uplink.starts.count == 1)
    }

    @Test func theCacheRemembersTheAuthorityAndClearCacheForgets() async {
        let harness = await Harness(settings: [("AuthorizationCacheEnabled", "true"), ("LocalAuthorizeOffline", "true")])
        harness.uplink.answer("CACHED", .accepted)
        await harness.plug()
        await harness.swipe("CACHED")
        await harness.swipe("CACHED")
        harness.uplink.setOnline(false)
        await harness.swipe("CACHED")
        #expect(harness.uplink.starts.count == 2)
        await harness.swipe("CACHED")
        #expect(await harness.respond(ClearCacheRequest())?.status == .accepted)
        await harness.swipe("CACHED")
        #expect(harness.uplink.starts.count == 2)
    }

    @Test func anotherOperatorsListIsKeptButNotConsulted() async {
        let harness = await Harness(settings: [("LocalPreAuthorize", "true")])
        let request = SendLocalListRequest(
            listVersion: 3, localAuthorizationList: [AuthorizationData(idTag: "THEIRS", idTagInfo: Self.accepted)], updateType: .full)
        #expect(await harness.respond(request, from: "energy")?.status == .accepted)
        #expect(await harness.respond(GetLocalListVersionRequest(), from: "energy")?.listVersion == 3)
        #expect(await harness.respond(GetLocalListVersionRequest(), from: "home")?.listVersion == 0)
        await harness.plug()
        await harness.swipe("THEIRS")
        #expect(harness.uplink.asked == ["THEIRS"])
        #expect(harness.uplink.starts.isEmpty)
    }

    @Test func differentialListsNeedANewerVersion() async {
        let harness = await Harness()
        await listed(harness, [("A", .accepted)], version: 5)
        let stale = SendLocalListRequest(listVersion: 4, localAuthorizationList: [AuthorizationData(idTag: "B", idTagInfo: Self.accepted)], updateType: .differential)
        #expect(await harness.respond(stale)?.status == .versionMismatch)
        let removal = SendLocalListRequest(listVersion: 6, localAuthorizationList: [AuthorizationData(idTag: "A")], updateType: .differential)
        #expect(await harness.respond(removal)?.status == .accepted)
        #expect(await harness.respond(GetLocalListVersionRequest())?.listVersion == 6)
    }

    @Test func withoutAnAuthorityOnlyTheConfiguredListCounts() async {
        let harness = await Harness(localList: [AuthorizationData(idTag: "LOCAL", idTagInfo: Self.accepted)])
        harness.uplink.setAuthority(nil)
        await harness.plug()
        await harness.swipe("OTHER")
        #expect(harness.uplink.starts.isEmpty)
        await harness.swipe("LOCAL")
        #expect(harness.uplink.starts.count == 1)
        #expect(harness.uplink.asked.isEmpty)
    }

    @Test func freeVendAcceptsEveryCard() async {
        let harness = await Harness(freeVend: "FREEVEND")
        harness.uplink.setAuthority(nil)
        await harness.plug()
        await harness.swipe("ANYONE")
        #expect(harness.uplink.starts.count == 1)
    }

    @Test func aCardWithTheSameParentMayStopTheSession() async {
        let harness = await Harness()
        harness.uplink.answer("DRIVER", .accepted, parent: "FLEET")
        harness.uplink.answer("MANAGER", .accepted, parent: "FLEET")
        harness.uplink.answer("STRANGER", .accepted, parent: "OTHER")
        await harness.plug()
        await harness.swipe("DRIVER")
        await harness.swipe("STRANGER")
        #expect(harness.uplink.stops.isEmpty)
        await harness.swipe("MANAGER")
        #expect(harness.uplink.stops.map(\.idTag) == ["MANAGER"])
    }

    @Test func aRefusedStartTransactionStopsWithDeAuthorized() async {
        let harness = await Harness(settings: [("StopTransactionOnInvalidId", "true")])
        harness.uplink.answer("CARD", .accepted)
        await harness.plug()
        await harness.swipe("CARD")
        let ref = await harness.chargePoint.transactions[0].ref
        await harness.chargePoint.startConfirmed(ref: ref, idTagInfo: IdTagInfo(status: .invalid), now: harness.now)
        #expect(harness.uplink.stops.first?.reason == .deAuthorized)
        #expect(harness.board.connector(1)?.relayClosed == false)
    }
}
