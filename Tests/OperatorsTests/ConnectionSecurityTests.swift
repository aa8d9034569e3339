import OCPP16
import Store
import Testing

@testable import Operators

/// An operator changes its own connection (whitepaper A01, A05): the AuthorizationKey's
/// format, the profile only ever upward and only to what the charger can do, and a change
/// that is kept, answered, tried and reported.
@Suite struct ConnectionSecurityTests {
    static let facts = SecurityProfileUpgrade.Facts(
        current: 2, url: "wss://cs.example/ocpp", hasPassword: true, hasTrust: true, hasClientIdentity: true)

    @Test(arguments: [
        ("00112233445566778899aabbccddeeff", true),
        ("00112233445566778899AABBCCDDEEFF00112233", true),
        ("00112233445566778899aabbccddee", false),  // 15 octets
        ("00112233445566778899aabbccddeeff0011223344", false),  // 21 octets
        ("00112233445566778899aabbccddeeff0", false),  // odd
        ("0011223344556677889-aabbccddeeff", false),
        ("s3cret-Basic-Auth-Password-0123", false),
        ("", false),
    ])
    func theAuthorizationKeyIsSixteenToTwentyOctetsInHex(_ value: String, _ valid: Bool) {
        #expect((AuthorizationKeyFormat.problem(with: value) == nil) == valid, "\(value)")
        #expect((AuthorizationKeyFormat.octets(of: value) != nil) == valid)
    }

    @Test func theKeysOctetsAreThePassword() {
        let key = Array("sixteen-octets!!".utf8).map { String($0, radix: 16) }.joined()
        #expect(AuthorizationKeyFormat.octets(of: key) == Array("sixteen-octets!!".utf8))
        #expect(AuthorizationKeyFormat.octets(of: "FF00FF00FF00FF00FF00FF00FF00FF00") == [UInt8](repeating: 0, count: 16).enumerated().map { $0.offset % 2 == 0 ? 0xFF : 0 })
    }

    @Test(arguments: [0, 1, 2])
    func theProfileNeverGoesDownNorStays(_ wanted: Int) {
        #expect(SecurityProfileUpgrade.problem(to: wanted, Self.facts)?.contains("only ever goes up") == true)
    }

    @Test func profile3NeedsAClientCertificate() {
        var facts = Self.facts
        #expect(SecurityProfileUpgrade.problem(to: 3, facts) == nil)
        facts.hasClientIdentity = false
        #expect(SecurityProfileUpgrade.problem(to: 3, facts) == "profile 3 needs a client certificate and key for this operator")
    }

    @Test func profile2NeedsWssTrustAndAKey() {
        let from1 = SecurityProfileUpgrade.Facts(current: 1, url: "wss://cs.example/ocpp", hasPassword: true, hasTrust: true, hasClientIdentity: false)
        #expect(SecurityProfileUpgrade.problem(to: 2, from1) == nil)
        var plain = from1
        plain.url = "ws://cs.example/ocpp"
        #expect(SecurityProfileUpgrade.problem(to: 2, plain) == "profile 2 needs a wss:// URL, found ws://cs.example/ocpp")
        var untrusting = from1
        untrusting.hasTrust = false
        #expect(SecurityProfileUpgrade.problem(to: 2, untrusting) == "profile 2 needs a CentralSystemRootCertificate or a CA file")
        var keyless = from1
        keyless.hasPassword = false
        #expect(SecurityProfileUpgrade.problem(to: 2, keyless) == "profile 2 needs an AuthorizationKey")
        #expect(SecurityProfileUpgrade.problem(to: 4, from1) == "profile 4 does not exist")
    }

    @Test func storedCredentialsReadBackAsWritten() {
        let record = CredentialRecord(
            current: ConnectionCredentials(authorizationKey: "00112233445566778899aabbccddeeff", securityProfile: 3, clientCertificate: "/s/c.pem", clientKey: "handle:0x81000001"),
            previous: ConnectionCredentials(securityProfile: 2), onTrial: true)
        #expect(CredentialRecord(fields: record.fields) == record)
        // A stored value that is not one is left out: the file's value counts.
        #expect(CredentialRecord(fields: ["AuthorizationKey": "short", "SecurityProfile": "7"]) == CredentialRecord())
    }

    static func call(_ text: String) throws -> Call {
        guard case .call(let call) = try Frame.parse(text) else { throw FrameError(messageId: "", code: .formationViolation, reason: text) }
        return call
    }

    static func status(_ frame: Frame) -> String? {
        guard case .callResult(let result) = frame, case .string(let status)? = result.payload["status"] else { return nil }
        return status
    }

    /// Over the wire: a lower or equal profile and a malformed key are Rejected and change
    /// nothing; a well-formed key is Accepted, stored for that operator only, tried on a new
    /// connection, reported as a security event to that operator, and never read back.
    @Test func changesOfTheConnectionOverTheWire() async throws {
        let rig = try await OperatorsRig([("home", .home), ("dc", .dataControl)])
        #expect(await rig.waitUntilRegistered(["home", "dc"]))
        for text in [
            #"[2,"p1","ChangeConfiguration",{"key":"SecurityProfile","value":"0"}]"#,
            #"[2,"p2","ChangeConfiguration",{"key":"SecurityProfile","value":"2"}]"#,
            #"[2,"k1","ChangeConfiguration",{"key":"AuthorizationKey","value":"too-short"}]"#,
        ] {
            #expect(Self.status(await rig.operators.answer(try Self.call(text), from: "dc")) == "Rejected", "\(text)")
        }
        #expect(await rig.operators.credentials(of: "dc") == CredentialRecord())

        let key = "00112233445566778899aabbccddeeff"
        let accepted = await rig.operators.answer(try Self.call(#"[2,"k2","ChangeConfiguration",{"key":"AuthorizationKey","value":"\#(key)"}]"#), from: "dc")
        #expect(Self.status(accepted) == "Accepted")
        #expect(await rig["dc"].wait { $0.contains { $0.action == "SecurityEventNotification" } })
        let event = try #require(rig["dc"].received.first { $0.action == "SecurityEventNotification" })
        #expect(event.payload["type"] == .string("ReconfigurationOfSecurityParameters"))
        // Profile 0 sends no key: kept for an upgrade, no reconnection.
        #expect(event.payload["techInfo"] == .string("AuthorizationKey: stored for a profile that sends it"))
        #expect(await rig.operators.credentials(of: "dc") == CredentialRecord(current: ConnectionCredentials(authorizationKey: key), previous: ConnectionCredentials()))
        #expect(await rig.operators.credentials(of: "home") == CredentialRecord())
        #expect(!rig["home"].received.contains { $0.action == "SecurityEventNotification" })

        // With the key there, profile 1 may come: tried on a new connection, then in force.
        let boots = rig["dc"].received.filter { $0.action == "BootNotification" }.count
        let upgrade = await rig.operators.answer(try Self.call(#"[2,"p3","ChangeConfiguration",{"key":"SecurityProfile","value":"1"}]"#), from: "dc")
        #expect(Self.status(upgrade) == "Accepted")
        #expect(await rig["dc"].wait { $0.filter { $0.action == "SecurityEventNotification" }.count == 2 })
        #expect(rig["dc"].received.last { $0.action == "SecurityEventNotification" }?.payload["techInfo"] == .string("SecurityProfile 0 to 1: in force"))
        #expect(rig["dc"].received.filter { $0.action == "BootNotification" }.count == boots + 1)
        #expect(await rig.operators.credentials(of: "dc").current == ConnectionCredentials(authorizationKey: key, securityProfile: 1))

        let read = await rig.operators.answer(try Self.call(#"[2,"g1","GetConfiguration",{"key":["AuthorizationKey","SecurityProfile"]}]"#), from: "dc")
        guard case .callResult(let result) = read, case .array(let keys)? = result.payload["configurationKey"] else {
            Issue.record("no configurationKey in \(read)")
            return
        }
        #expect(keys.count == 2)
        for case .object(let entry) in keys {
            if entry["key"] == .string("AuthorizationKey") { #expect(entry["value"] == nil) }
            if entry["key"] == .string("SecurityProfile") {
                #expect(entry["value"] == .string("1"))
                #expect(entry["readonly"] == .bool(false))
            }
        }
        await rig.cleanUp()
    }
}
