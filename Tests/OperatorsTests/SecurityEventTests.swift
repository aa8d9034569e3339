import Link
import OCPP16
import Store
import Testing

@testable import Operators

/// Security events: on disk in each recipient's queue when the call returns, kept in the
/// security log, and a flood of invalid messages makes one event a minute.
@Suite struct SecurityEventTests {
    @Test func anEventOfTheChargerIsQueuedForEveryOperatorBeforeTheCallReturns() async throws {
        let rig = try await OperatorsRig([("home", .home), ("billing", .billing)], offline: ["billing"])
        #expect(await rig.waitUntilRegistered(["home"]))
        await rig.operators.securityEvent(.tamperDetectionActivated, techInfo: "lid open")
        // billing is offline: its copy is waiting on disk.
        let waiting = try rig.ledger.queue.all(operator: "billing")
        #expect(waiting.map(\.action) == ["SecurityEventNotification"])
        #expect(await rig["home"].wait { $0.contains { $0.action == "SecurityEventNotification" } })
        await rig["billing"].setOnline(true)
        #expect(await rig["billing"].wait { $0.contains { $0.action == "SecurityEventNotification" } })
        #expect(await rig.waitUntilDelivered(["home", "billing"]))
        let kept = try rig.operators.securityLog.entries()
        #expect(kept.map(\.type) == ["TamperDetectionActivated"])
        #expect(kept.first?.operatorName == nil)
        await rig.cleanUp()
    }

    @Test func anEventOfOneConnectionGoesToThatOperatorOnlyOncePerOutage() async throws {
        let rig = try await OperatorsRig([("home", .home), ("billing", .billing)], offline: ["billing"])
        #expect(await rig.waitUntilRegistered(["home"]))
        for _ in 1...3 {
            await rig.operators.linkIncident(.connectionEnded(.upgradeRefused(status: 401, reason: "Unauthorized")), of: "billing")
        }
        await rig.operators.linkIncident(.connectionEnded(.unreachable("refused")), of: "billing")
        #expect(try rig.ledger.queue.count(operator: "billing") == 1)
        #expect(try rig.ledger.queue.count(operator: "home") == 0)
        let kept = try rig.operators.securityLog.entries()
        #expect(kept.map(\.type) == ["FailedToAuthenticateAtCentralSystem"])
        #expect(kept.first?.operatorName == "billing")
        await rig.cleanUp()
    }

    @Test func aRefusedServerCertificateIsAnEventOfThatOperatorAndOtherFailuresAreNot() async throws {
        let rig = try await OperatorsRig([("home", .home), ("billing", .billing)], offline: ["billing"])
        #expect(await rig.waitUntilRegistered(["home"]))
        let refused = TLSFailure(verificationError: 20, reason: "unable to get local issuer certificate")
        await rig.operators.linkIncident(.connectionEnded(.tls(refused)), of: "billing")
        await rig.operators.linkIncident(.connectionEnded(.tls(TLSFailure(reason: "handshake cut off"))), of: "billing")
        await rig.operators.linkIncident(.connectionEnded(.upgradeRefused(status: 500, reason: "Server Error")), of: "billing")
        let kept = try rig.operators.securityLog.entries()
        #expect(kept.map(\.type) == ["InvalidCentralSystemCertificate"])
        #expect(kept.first?.techInfo?.contains("unable to get local issuer certificate") == true)
        #expect(try rig.ledger.queue.count(operator: "billing") == 1)
        #expect(try rig.ledger.queue.count(operator: "home") == 0)
        await rig.cleanUp()
    }

    @Test func aFloodOfInvalidMessagesMakesOneEventAMinute() async throws {
        let rig = try await OperatorsRig([("home", .home), ("billing", .billing)])
        #expect(await rig.waitUntilRegistered(["home", "billing"]))
        for number in 1...50 {
            guard case .call(let call) = try Frame.parse(#"[2,"m\#(number)","Reset",{"type":"Sideways"}]"#) else {
                Issue.record("not a CALL")
                continue
            }
            let answer = await rig.operators.answer(call, from: "home")
            guard case .callError = answer else {
                Issue.record("a malformed Reset was not refused")
                continue
            }
        }
        var invalid = try rig.operators.securityLog.entries().filter { $0.type == "InvalidMessages" }
        #expect(invalid.count == 1)
        #expect(invalid.allSatisfy { $0.operatorName == "home" })
        rig.clock.advance(seconds: 61)
        await rig.operators.tick()
        invalid = try rig.operators.securityLog.entries().filter { $0.type == "InvalidMessages" }
        #expect(invalid.count == 2)
        #expect(invalid.last?.techInfo?.hasPrefix("49 more invalid messages") == true)
        // Quiet for another minute: nothing more.
        rig.clock.advance(seconds: 61)
        await rig.operators.tick()
        #expect(try rig.operators.securityLog.entries().filter { $0.type == "InvalidMessages" }.count == 2)
        #expect(try rig.ledger.queue.all(operator: "billing").allSatisfy { $0.action != "SecurityEventNotification" })
        await rig.cleanUp()
    }

    @Test func clearingTheLogIsAnEventForEveryOperator() async throws {
        let rig = try await OperatorsRig([("home", .home), ("billing", .billing)])
        #expect(await rig.waitUntilRegistered(["home", "billing"]))
        await rig.operators.securityEvent(.startupOfTheDevice)
        await rig.operators.securityEvent(.reconfigurationOfSecurityParameters, techInfo: "SecurityProfile 2", operator: "home")
        #expect(try await rig.operators.clearSecurityLog(by: "a test") == 2)
        #expect(try rig.operators.securityLog.entries().map(\.type) == ["SecurityLogWasCleared"])
        for name in ["home", "billing"] {
            #expect(await rig[name].wait { $0.contains { $0.action == "SecurityEventNotification" && $0.payload["type"] == .string("SecurityLogWasCleared") } })
        }
        await rig.cleanUp()
    }
}
