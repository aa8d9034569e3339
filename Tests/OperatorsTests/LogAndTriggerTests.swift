import ChargePoint
import Configuration
import OCPP16
import Testing

@testable import Operators

/// The rule book's rows for GetLog and ExtendedTriggerMessage (other messages): allowed
/// for every operator, and what is triggered goes to the requester only.
@Suite struct LogAndTriggerTests {
    static let dataControl = PermissionContext(role: .dataControl, isAuthority: false, anyTransaction: true)

    @Test func getLogAndExtendedTriggerMessageAreForEveryone() {
        let requests: [any OCPPRequest] = [
            GetLogRequest(log: LogParameters(remoteLocation: "https://logs.example/"), logType: .securityLog, requestId: 1),
            GetLogRequest(log: LogParameters(remoteLocation: "https://logs.example/"), logType: .diagnosticsLog, requestId: 2),
            ExtendedTriggerMessageRequest(requestedMessage: .statusNotification),
            ExtendedTriggerMessageRequest(requestedMessage: .logStatusNotification),
        ]
        for request in requests { #expect(permission(for: request, in: Self.dataControl).isAllowed) }
    }

    @Test func whatIsTriggeredGoesToTheRequesterOnly() async throws {
        let rig = try await OperatorsRig([("home", .home), ("dc", .dataControl)])
        #expect(await rig.waitUntilRegistered(["home", "dc"]))
        let before = rig["home"].received.count
        let entry = try #require(await rig.operators.entries.first { $0.name == "dc" })
        let status = await rig.operators.respond(to: ExtendedTriggerMessageRequest(requestedMessage: .logStatusNotification), from: entry)
        #expect((status as? ExtendedTriggerMessageResponse)?.status == .accepted)
        #expect(await rig["dc"].wait { $0.contains { $0.action == "LogStatusNotification" && $0.payload["status"] == .string("Idle") } })
        let renewal = await rig.operators.respond(to: ExtendedTriggerMessageRequest(requestedMessage: .signChargePointCertificate), from: entry)
        // A renewal of the requester's own client certificate: its SignCertificate goes to it alone.
        #expect((renewal as? ExtendedTriggerMessageResponse)?.status == .accepted)
        #expect(await rig["dc"].wait { $0.contains { $0.action == "SignCertificate" } })
        #expect(!rig["home"].received.dropFirst(before).contains { $0.action == "LogStatusNotification" || $0.action == "SignCertificate" })
        await rig.cleanUp()
    }
}
