import ChargePoint
import Configuration
import Foundation
import OCPP16
import Security
import Testing

@testable import Operators

/// The certificate stores of the security extension through the operators
/// layer, on disk: each operator's own CentralSystemRootCertificate store, the
/// charger's ManufacturerRootCertificate store, and who sees and changes what.
@Suite struct CertificateStoreTests {
    let roots: TestRoots

    init() throws { roots = try TestRoots.shared.get() }

    /// A rig with home and a data-control operator, certificate stores in its directory and
    /// its clock at the wall clock's time (the test certificates are made now).
    func rig(keys: [(String, String)] = []) async throws -> OperatorsRig {
        let rig = try await OperatorsRig([("home", .home), ("dc", .dataControl)], keys: keys)
        // Shutting the rig down while its links still open would leave it waiting.
        #expect(await rig.waitUntilRegistered(["home", "dc"]))
        await rig.chargePoint.useCertificates(CertificateStores(stateDirectory: rig.directory.path))
        rig.clock.advance(seconds: Int64(Date().timeIntervalSince1970) - rig.now.millisecondsSince1970 / 1000)
        return rig
    }

    func ask<Request: OCPPRequest>(_ rig: OperatorsRig, _ name: String, _ request: Request) async throws -> Request.Response {
        let entry = try #require(await rig.operators.entries.first { $0.name == name })
        return try #require(await rig.operators.respond(to: request, from: entry) as? Request.Response)
    }

    func install(_ rig: OperatorsRig, _ name: String, _ root: String, as use: CertificateUse = .centralSystemRootCertificate)
        async throws -> InstallCertificateStatus
    {
        let pem = try #require(PEMText(try roots.pem(root)))
        return try await ask(rig, name, InstallCertificateRequest(certificateType: use, certificate: pem)).status
    }

    func listed(_ rig: OperatorsRig, _ name: String, _ use: CertificateUse = .centralSystemRootCertificate) async throws
        -> GetInstalledCertificateIdsResponse
    {
        try await ask(rig, name, GetInstalledCertificateIdsRequest(certificateType: use))
    }

    func hashData(_ root: String) throws -> CertificateHashData {
        try #require(try X509Certificate.chain(pem: try roots.pem(root)).first).hashData(.sha256)
    }

    func delete(_ rig: OperatorsRig, _ name: String, _ data: CertificateHashData) async throws -> DeleteCertificateStatus {
        try await ask(rig, name, DeleteCertificateRequest(certificateHashData: data)).status
    }

    @Test func eachOperatorListsItsOwnRootsAndTheManufacturers() async throws {
        let rig = try await rig()
        #expect(try await listed(rig, "home").status == .notFound)
        #expect(try await install(rig, "home", "alpha") == .accepted)
        #expect(try await install(rig, "dc", "beta") == .accepted)
        #expect(try await install(rig, "home", "gamma", as: .manufacturerRootCertificate) == .accepted)

        #expect(try await listed(rig, "home").certificateHashData == [try hashData("alpha")])
        #expect(try await listed(rig, "dc").certificateHashData == [try hashData("beta")])
        for name in ["home", "dc"] {
            let manufacturer = try await listed(rig, name, .manufacturerRootCertificate)
            #expect(manufacturer.status == .accepted)
            #expect(manufacturer.certificateHashData == [try hashData("gamma")])
        }

        // On disk: one file per certificate, named by its fingerprint, 0600 in 0700 directories.
        let alpha = try #require(try X509Certificate.chain(pem: try roots.pem("alpha")).first)
        let stores = CertificateStores(stateDirectory: rig.directory.path)
        let file = stores.roots(of: "home").directory + "/" + alpha.fingerprint + ".pem"
        #expect(stores.roots(of: "home").files == [file])
        #expect(try mode(of: file) == 0o600)
        for directory in [stores.directory, stores.roots(of: "home").directory, stores.manufacturer.directory] {
            #expect(try mode(of: directory) == 0o700)
        }
        await rig.cleanUp()
    }

    @Test func anotherOperatorsRootIsNotFoundAndStays() async throws {
        let rig = try await rig()
        #expect(try await install(rig, "home", "alpha") == .accepted)
        #expect(try await install(rig, "dc", "beta") == .accepted)
        #expect(try await delete(rig, "dc", try hashData("alpha")) == .notFound)
        #expect(try await listed(rig, "home").certificateHashData == [try hashData("alpha")])
        // Its own root it may delete.
        #expect(try await delete(rig, "dc", try hashData("beta")) == .accepted)
        #expect(try await listed(rig, "dc").status == .notFound)
        #expect(try await delete(rig, "dc", try hashData("beta")) == .notFound)
        await rig.cleanUp()
    }

    @Test func onlyHomeInstallsAndDeletesManufacturerRoots() async throws {
        let rig = try await rig()
        #expect(try await install(rig, "dc", "gamma", as: .manufacturerRootCertificate) == .rejected)
        #expect(try await listed(rig, "dc", .manufacturerRootCertificate).status == .notFound)
        #expect(try await install(rig, "home", "gamma", as: .manufacturerRootCertificate) == .accepted)
        #expect(try await delete(rig, "dc", try hashData("gamma")) == .failed)
        #expect(try await listed(rig, "home", .manufacturerRootCertificate).certificateHashData == [try hashData("gamma")])
        #expect(try await delete(rig, "home", try hashData("gamma")) == .accepted)
        #expect(try await listed(rig, "dc", .manufacturerRootCertificate).status == .notFound)
        await rig.cleanUp()
    }

    @Test(arguments: ["expired", "leaf"])
    func whatIsNotAValidCAIsRejected(_ name: String) async throws {
        let rig = try await rig()
        #expect(try await install(rig, "home", name) == .rejected)
        #expect(try await listed(rig, "home").status == .notFound)
        await rig.cleanUp()
    }

    @Test func textThatIsNotOneCertificateIsRejected() async throws {
        let rig = try await rig()
        let two = try roots.pem("alpha") + roots.pem("beta")
        for text in ["PEM", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", two] {
            let pem = try #require(PEMText(text))
            let answer = try await ask(rig, "home", InstallCertificateRequest(certificateType: .centralSystemRootCertificate, certificate: pem))
            #expect(answer.status == .rejected)
        }
        #expect(try await listed(rig, "home").status == .notFound)
        await rig.cleanUp()
    }

    @Test func aSecondInstallOfTheSameRootChangesNothing() async throws {
        let rig = try await rig()
        #expect(try await install(rig, "home", "alpha") == .accepted)
        #expect(try await install(rig, "home", "alpha") == .accepted)
        #expect(try await listed(rig, "home").certificateHashData == [try hashData("alpha")])
        await rig.cleanUp()
    }

    @Test func certificateStoreMaxLengthBoundsEachStore() async throws {
        let rig = try await rig(keys: [("CertificateStoreMaxLength", "2")])
        #expect(try await install(rig, "home", "alpha") == .accepted)
        #expect(try await install(rig, "home", "beta") == .accepted)
        #expect(try await install(rig, "home", "gamma") == .rejected)
        // One already there is still Accepted; another operator's store is counted apart.
        #expect(try await install(rig, "home", "alpha") == .accepted)
        #expect(try await install(rig, "dc", "gamma") == .accepted)
        #expect(try await listed(rig, "home").certificateHashData.count == 2)
        await rig.cleanUp()
    }

    @Test func hashesFollowTheWhitepaper() async throws {
        let rig = try await rig()
        #expect(try await install(rig, "home", "alpha") == .accepted)
        let listed = try #require(try await listed(rig, "home").certificateHashData.first)
        let alpha = try #require(try X509Certificate.chain(pem: try roots.pem("alpha")).first)
        #expect(listed.hashAlgorithm == .sha256)
        #expect(listed.serialNumber.value == alpha.serialNumber)
        #expect(!listed.serialNumber.value.hasPrefix("0") || listed.serialNumber.value == "0")
        #expect(listed.issuerNameHash.value.count == 64 && listed.issuerKeyHash.value.count == 64)
        // Named with another algorithm, upper-case hex or leading zeros in the serial, it is the same certificate.
        let sha384 = alpha.hashData(.sha384)
        let serial = sha384.serialNumber.value
        let shouted = CertificateHashData(
            hashAlgorithm: .sha384, issuerNameHash: BoundedString(truncating: sha384.issuerNameHash.value.uppercased()),
            issuerKeyHash: sha384.issuerKeyHash,
            serialNumber: BoundedString(truncating: String(repeating: "0", count: 40 - serial.count) + serial.uppercased()))
        #expect(try await delete(rig, "home", shouted) == .accepted)
        await rig.cleanUp()
    }

    /// What the security extension's actions of this part answer now: no longer NotImplemented.
    @Test func theCertificateActionsAreAnsweredNow() async throws {
        let rig = try await rig()
        guard case .call(let malformed) = try Frame.parse(#"[2,"c1","InstallCertificate",{"certificateType":"Nope","certificate":"x"}]"#) else {
            Issue.record("not a CALL")
            return
        }
        guard case .callError(let error) = await rig.operators.answer(malformed, from: "home") else {
            Issue.record("a malformed InstallCertificate was answered")
            return
        }
        #expect(error.errorCode != .notImplemented)
        guard case .call(let list) = try Frame.parse(#"[2,"c2","GetInstalledCertificateIds",{"certificateType":"ManufacturerRootCertificate"}]"#) else {
            Issue.record("not a CALL")
            return
        }
        guard case .callResult(let result) = await rig.operators.answer(list, from: "home") else {
            Issue.record("GetInstalledCertificateIds was not answered")
            return
        }
        #expect(try result.decode(GetInstalledCertificateIdsResponse.self).status == .notFound)
        await rig.cleanUp()
    }

    func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }
}
