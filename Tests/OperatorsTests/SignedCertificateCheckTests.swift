import Foundation
import Security
import Testing

@testable import Operators

/// What a CertificateSigned must be for the renewal it answers: within the size limit, for
/// this charge point, for the pending key, valid now, and issued under the operator's roots.
/// Certificates are made with the `openssl` command.
@Suite struct SignedCertificateCheckTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chargeplex-renewal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for ca in ["ca", "other"] {
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(ca).key",
                         "-out", "\(ca).pem", "-subj", "/CN=\(ca) CA", "-days", "10"])
        }
    }

    @discardableResult
    func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SecurityError("openssl \(arguments.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    /// `key`'s request signed by `ca`.
    func issue(for key: PrivateKey, commonName: String, by ca: String) throws -> String {
        let csr = try key.certificateSigningRequest(commonName: commonName, organization: "Alpha Charging")
        try csr.write(toFile: "\(directory)/leaf.csr", atomically: true, encoding: .utf8)
        return try openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial", "-days", "5"])
    }

    func facts(_ chain: String, key: PrivateKey, limit: Int = 10_000) throws -> SignedCertificateCheck.Facts {
        let roots = try X509Certificate.chain(pem: try String(contentsOfFile: "\(directory)/ca.pem", encoding: .utf8))
        return SignedCertificateCheck.Facts(
            chain: chain, maximumChainSize: limit, chargePointId: "CP-1", key: key, roots: roots, now: Int64(Date().timeIntervalSince1970))
    }

    func refusal(_ facts: SignedCertificateCheck.Facts) -> String? {
        if case .failure(let error) = SignedCertificateCheck.verified(facts) { return error.description }
        return nil
    }

    @Test func aChainForThePendingKeyUnderTheOperatorsRootIsTaken() throws {
        let key = try PrivateKey.generateP256()
        let chain = try issue(for: key, commonName: "CP-1", by: "ca")
        guard case .success(let certificates) = SignedCertificateCheck.verified(try facts(chain, key: key)) else {
            Issue.record("refused: \(refusal(try facts(chain, key: key)) ?? "")")
            return
        }
        #expect(certificates.first?.commonName == "CP-1")
    }

    @Test func everyOtherChainIsRefusedWithItsReason() throws {
        let key = try PrivateKey.generateP256()
        let good = try issue(for: key, commonName: "CP-1", by: "ca")
        #expect(refusal(try facts(good, key: key, limit: good.utf8.count - 1))?.contains("CertificateSignedMaxChainSize is") == true)
        #expect(refusal(try facts(try issue(for: key, commonName: "CP-2", by: "ca"), key: key))
            == "the certificate is for CN=CP-2, not the charge point CP-1")
        #expect(refusal(try facts(good, key: try PrivateKey.generateP256())) == "the certificate is not for the key of the signing request")
        #expect(refusal(try facts(try issue(for: key, commonName: "CP-1", by: "other"), key: key))?.contains("unable to get local issuer certificate") == true)
        var later = try facts(good, key: key)
        later.now += 30 * 86_400
        #expect(refusal(later) == "the certificate is not valid now")
        #expect(refusal(try facts("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", key: key)) != nil)
        #expect(refusal(try facts("", key: key)) != nil)
    }
}
