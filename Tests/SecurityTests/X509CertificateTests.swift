import Foundation
import OCPP16
import Security
import Testing

@Suite("X.509 certificates, read the way openssl reads them")
struct X509CertificateTests {
    let tool: OpenSSLTool

    init() throws {
        tool = try OpenSSLTool.scratch()
        try tool.rootCA("root", subject: "/CN=Test Root/O=Chargeplex Tests")
        try tool.issue("sub", subject: "/CN=Test Sub CA", by: "root", ca: true, serial: "0x00ab01")
        try tool.issue("leaf", subject: "/CN=CP-7/O=Operator A", by: "sub", serial: "0x0fe1")
    }

    @Test("subject, common name, organization, serial and validity match openssl's own reading")
    func facts() throws {
        let leaf = try #require(try X509Certificate.chain(pem: tool.read("leaf.pem")).first)
        #expect(leaf.commonName == "CP-7")
        #expect(leaf.organization == "Operator A")
        #expect(leaf.subject == (try tool.text(["x509", "-in", "leaf.pem", "-noout", "-subject", "-nameopt", "RFC2253"])).replacingOccurrences(of: "subject=", with: ""))
        #expect(leaf.serialNumber == "fe1")
        #expect(!leaf.isCA)
        let root = try #require(try X509Certificate.chain(pem: tool.read("root.pem")).first)
        #expect(root.isCA)
        #expect(root.isSelfIssued)
        let end = try tool.text(["x509", "-in", "leaf.pem", "-noout", "-enddate", "-dateopt", "iso_8601"])
            .replacingOccurrences(of: "notAfter=", with: "")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withSpaceBetweenDateAndTime, .withTime, .withColonSeparatorInTime]
        let parsed = try #require(formatter.date(from: end.replacingOccurrences(of: "Z", with: "")))
        #expect(leaf.notAfter == Int64(parsed.timeIntervalSince1970))
    }

    @Test("the fingerprint is openssl's SHA-256 fingerprint, and pem round-trips the DER")
    func fingerprintAndPEM() throws {
        let leaf = try #require(try X509Certificate.chain(pem: tool.read("leaf.pem")).first)
        let expected = try tool.text(["x509", "-in", "leaf.pem", "-noout", "-fingerprint", "-sha256"])
            .split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "").lowercased() }
        #expect(leaf.fingerprint == expected)
        #expect(try X509Certificate.chain(pem: leaf.pem) == [leaf])
    }

    @Test("a PEM chain is read in order; text with no certificate or a broken block is refused")
    func chains() throws {
        let text = try tool.read("leaf.pem") + "\n" + tool.read("sub.pem")
        let chain = try X509Certificate.chain(pem: text)
        #expect(chain.map(\.commonName) == ["CP-7", "Test Sub CA"])
        #expect(throws: SecurityError.self) { try X509Certificate.chain(pem: "hello") }
        var broken = try tool.read("sub.pem")
        broken = broken.replacingOccurrences(of: "MII", with: "MIX")
        #expect(throws: SecurityError.self) { try X509Certificate.chain(pem: text + broken) }
    }

    @Test("hash data: issuer name and issuer key hashes as OCSP computes them, serial without leading zeros")
    func hashData() throws {
        let sub = try #require(try X509Certificate.chain(pem: tool.read("sub.pem")).first)
        let root = try #require(try X509Certificate.chain(pem: tool.read("root.pem")).first)
        // An OCSP request names a certificate by the same three values (RFC 6960 CertID):
        // openssl computes them independently here.
        let ocsp = try tool.text(["ocsp", "-sha256", "-issuer", "root.pem", "-cert", "sub.pem", "-req_text", "-no_nonce"])
        func field(_ name: String) -> String? {
            ocsp.split(separator: "\n").first { $0.contains(name) }?.split(separator: ":").last
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        }
        let data = sub.hashData(.sha256, issuer: root)
        #expect(data.hashAlgorithm == .sha256)
        #expect(data.issuerNameHash.value == field("Issuer Name Hash"))
        #expect(data.issuerKeyHash.value == field("Issuer Key Hash"))
        #expect(data.serialNumber.value == field("Serial Number"))
        #expect(data.serialNumber.value == "ab01")
        #expect(sub.matches(data, issuer: root))
        #expect(sub.matches(CertificateHashData(
            hashAlgorithm: .sha256, issuerNameHash: BoundedString(truncating: data.issuerNameHash.value.uppercased()),
            issuerKeyHash: data.issuerKeyHash, serialNumber: "00AB01"), issuer: root))
        #expect(!root.matches(data))
        #expect(sub.hashData(.sha512, issuer: root).issuerNameHash.value.count == 128)
    }
}
