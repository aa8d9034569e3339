import Configuration
import Testing

@testable import Operators

/// The numbers of a pushed operator list (DataTransfer SetOperators): the
/// version at the edges of 64 bits is kept as it is; a negative or
/// fractional one, or a security profile that does not exist or is not a
/// whole number, refuses the list as a whole (never read as profile 0).
@Suite struct PushedListNumberTests {
    static func list(version: String, securityProfile: String = "0") -> String {
        #"{"version":\#(version),"operators":[{"name":"a","url":"ws://x/","role":"billing","allowInsecure":true,"securityProfile":\#(securityProfile)}]}"#
    }

    @Test(arguments: ["0", "2147483648", "9223372036854775807"])
    func versionsUpToTheLargestAreKept(_ version: String) throws {
        guard case .success(let pushed) = OperatorListTransfer.decode(Self.list(version: version), defaultChargePointId: "CP") else {
            Issue.record("version \(version) refused")
            return
        }
        #expect(String(pushed.version) == version)
        // Read back as it is stored and shown (GetOperators).
        let stored = OperatorListTransfer.encode(pushed, includeSecrets: false)
        #expect(stored.contains(#""version":\#(version)"#))
    }

    @Test(arguments: ["-1", "-9223372036854775808", "9223372036854775808", "1e308", "-1e308", "1.5", "\"7\"", "null"])
    func versionsThatAreNotACountRefuseTheList(_ version: String) {
        guard case .failure(let refusal) = OperatorListTransfer.decode(Self.list(version: version), defaultChargePointId: "CP") else {
            Issue.record("version \(version) accepted")
            return
        }
        #expect(refusal.description.contains("version"))
    }

    @Test(arguments: ["-1", "4", "2147483648", "-9223372036854775808", "9223372036854775807", "1e308", "2.5", "\"2\"", "true"])
    func securityProfilesThatDoNotExistRefuseTheList(_ profile: String) {
        guard case .failure(let refusal) = OperatorListTransfer.decode(Self.list(version: "1", securityProfile: profile), defaultChargePointId: "CP") else {
            Issue.record("security profile \(profile) accepted")
            return
        }
        #expect(refusal.description.contains("must be 0, 1, 2 or 3"))
    }

    @Test func aPushedURLWithTheIdTwiceRefusesTheList() {
        let list = #"{"version":1,"operators":[{"name":"a","url":"wss://x/{id}/{id}","role":"billing"}]}"#
        guard case .failure(let refusal) = OperatorListTransfer.decode(list, defaultChargePointId: "CP") else {
            Issue.record("the list was accepted")
            return
        }
        #expect(refusal.reasons == ["operators[0].url: {id} may stand only once"])
    }

    @Test func aPushedURLWithTheIdInItsPathIsKeptAsWritten() throws {
        let list = #"{"version":1,"operators":[{"name":"a","url":"wss://x/ocpp/{id}/","role":"billing"}]}"#
        guard case .success(let pushed) = OperatorListTransfer.decode(list, defaultChargePointId: "CP") else {
            Issue.record("the list was refused")
            return
        }
        #expect(pushed.operators.map(\.url) == ["wss://x/ocpp/{id}/"])
        #expect(pushed.operators.map(\.connectionURL) == ["wss://x/ocpp/CP/"])
    }
}
