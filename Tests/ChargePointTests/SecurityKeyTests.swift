import OCPP16
import OCPPKeys
import Testing

@testable import ChargePoint

/// The configuration keys of the security extension: typed, ranged, kept
/// per operator where the identity is the operator's, and the
/// AuthorizationKey never read back.
@Suite struct SecurityKeyTests {
    static let secret = "s3cret-Basic-Auth-Password-0123"

    @Test func theAuthorizationKeyIsNeverReturned() async throws {
        let harness = await Harness()
        #expect(await harness.respond(ChangeConfigurationRequest(key: "AuthorizationKey", value: CiString500(truncating: Self.secret)))?.status == .accepted)
        // Asked for by name, in any spelling, or with every key: listed, never with its value.
        for request in [
            GetConfigurationRequest(key: ["AuthorizationKey"]), GetConfigurationRequest(key: ["authorizationkey"]),
            GetConfigurationRequest(key: ["AUTHORIZATIONKEY", "SecurityProfile"]), GetConfigurationRequest(),
        ] {
            let answer = try #require(await harness.respond(request))
            let entry = try #require(answer.configurationKey?.first { $0.key.value.lowercased() == "authorizationkey" })
            #expect(entry.value == nil)
            #expect(entry.readonly == false)
            #expect(answer.configurationKey?.contains { $0.value?.value.contains(Self.secret) == true } == false)
        }
        // Nor to another operator.
        let other = await harness.respond(GetConfigurationRequest(), from: "energy")
        #expect(other?.configurationKey?.contains { $0.value?.value.contains(Self.secret) == true } == false)
        #expect(StandardKeys.secret == ["authorizationkey"])
    }

    @Test func theKeysOfTheExtensionAreTypedAndRanged() async {
        let harness = await Harness()
        let cases: [(String, String, ConfigurationStatus)] = [
            // The charge point alone never changes the profile: the operators layer does, with
            // the upgrade rules and a trial connection.
            ("SecurityProfile", "1", .rejected),
            ("AdditionalRootCertificateCheck", "true", .rejected),
            ("CertificateSignedMaxChainSize", "5000", .rejected),
            ("CertificateStoreMaxLength", "5", .rejected),
            ("CpoName", String(repeating: "C", count: 64), .accepted),
            ("CpoName", String(repeating: "C", count: 65), .rejected),
            ("CertSigningWaitMinimum", "1", .accepted),
            ("CertSigningWaitMinimum", "0", .rejected),
            ("CertSigningWaitMinimum", "86401", .rejected),
            ("CertSigningWaitMinimum", "soon", .rejected),
            ("CertSigningRepeatTimes", "0", .accepted),
            ("CertSigningRepeatTimes", "20", .accepted),
            ("CertSigningRepeatTimes", "21", .rejected),
            ("CertSigningRepeatTimes", "-1", .rejected),
            ("AuthorizationKey", String(repeating: "k", count: 41), .rejected),
        ]
        for (key, value, status) in cases {
            let answer = await harness.respond(ChangeConfigurationRequest(key: CiString50(truncating: key), value: CiString500(truncating: value)))
            #expect(answer?.status == status, "\(key) = \(value)")
        }
    }

    @Test func defaultsAndReadOnlyFlagsAsReported() async throws {
        let harness = await Harness()
        let names = ["AdditionalRootCertificateCheck", "CertificateSignedMaxChainSize", "CertificateStoreMaxLength", "CertSigningRepeatTimes", "CertSigningWaitMinimum", "CpoName", "SecurityProfile"]
        let answer = try #require(await harness.respond(GetConfigurationRequest(key: names.map { CiString50(truncating: $0) })))
        let shown = Dictionary(uniqueKeysWithValues: (answer.configurationKey ?? []).map { ($0.key.value, ($0.value?.value, $0.readonly)) })
        #expect(answer.unknownKey == nil)
        #expect(shown["AdditionalRootCertificateCheck"]?.0 == "false" && shown["AdditionalRootCertificateCheck"]?.1 == true)
        #expect(shown["CertificateSignedMaxChainSize"]?.0 == "10000" && shown["CertificateSignedMaxChainSize"]?.1 == true)
        #expect(shown["CertificateStoreMaxLength"]?.0 == "20" && shown["CertificateStoreMaxLength"]?.1 == true)
        #expect(shown["CertSigningRepeatTimes"]?.0 == "3" && shown["CertSigningRepeatTimes"]?.1 == false)
        #expect(shown["CertSigningWaitMinimum"]?.0 == "60" && shown["CertSigningWaitMinimum"]?.1 == false)
        #expect(shown["CpoName"]?.0 == "" && shown["CpoName"]?.1 == false)
        #expect(shown["SecurityProfile"]?.0 == "0" && shown["SecurityProfile"]?.1 == false)
    }

    @Test func eachOperatorHasItsOwnCpoNameAndRenewalTiming() async {
        let harness = await Harness()
        #expect(await harness.respond(ChangeConfigurationRequest(key: "CpoName", value: "Energy Co"), from: "energy")?.status == .accepted)
        #expect(await harness.respond(ChangeConfigurationRequest(key: "CertSigningWaitMinimum", value: "600"), from: "energy")?.status == .accepted)
        let theirs = await harness.respond(GetConfigurationRequest(key: ["CpoName", "CertSigningWaitMinimum"]), from: "energy")
        let ours = await harness.respond(GetConfigurationRequest(key: ["CpoName", "CertSigningWaitMinimum"]), from: "home")
        #expect(theirs?.configurationKey?.map { $0.value?.value } == ["Energy Co", "600"])
        #expect(ours?.configurationKey?.map { $0.value?.value } == ["", "60"])
    }
}
