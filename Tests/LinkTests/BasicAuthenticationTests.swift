import Link
import OCPP16
import Testing

/// Security profile 1: HTTP Basic authentication over ws://.
@Suite(.timeLimit(.minutes(3))) struct BasicAuthenticationTests {
    @Test func rightPasswordOpens() async throws {
        let cs = try await CentralSystemPeer.start(["--password", "0123456789abcdef"])
        defer { cs.kill() }
        let link = try Link(
            configuration: .test(
                url: cs.url(), chargePointId: "CP-BASIC", securityProfile: .basicAuthentication,
                authorizationKey: "0123456789abcdef"))
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        let (_, connected) = try await cs.expect("connected")
        #expect(connected["authorization"]?.stringValue == "basic")
        _ = try await link.call(HeartbeatRequest())
        await running.stop()
    }

    @Test func wrongPasswordIsRefusedWithTheHTTPStatus() async throws {
        let cs = try await CentralSystemPeer.start(["--password", "0123456789abcdef"])
        defer { cs.kill() }
        let link = try Link(
            configuration: .test(
                url: cs.url(), chargePointId: "CP-BASIC", securityProfile: .basicAuthentication,
                authorizationKey: "fedcba9876543210"))
        let running = await RunningLink.start(link)
        let (_, reason) = try await running.waitForBackoff()
        #expect(reason.contains("HTTP 401"))
        #expect(!reason.contains("fedcba9876543210"))
        try await cs.expect("refused") { $0["reason"]?.stringValue == "wrong credentials" }
        #expect(await cs.process.log.entries.allSatisfy { $0.event != "connected" })
        await running.stop()
    }
}
