import Foundation
import OCPP16
import Security
import Testing

@Suite("Keys, requests, chains and file signatures, checked against the openssl command")
struct KeysAndSignaturesTests {
    let tool: OpenSSLTool

    init() throws {
        tool = try OpenSSLTool.scratch()
        try tool.rootCA("root", subject: "/CN=Operator Root")
        try tool.rootCA("other", subject: "/CN=Someone Else")
        try tool.issue("sub", subject: "/CN=Operator Sub CA", by: "root", ca: true)
    }

    @Test("a key made on the device signs a request openssl verifies, with CN and O as asked")
    func requestForNewKey() throws {
        let key = try PrivateKey.generateP256()
        let csr = try key.certificateSigningRequest(commonName: "CP-42", organization: "Example CPO")
        try csr.write(toFile: tool.file("device.csr"), atomically: true, encoding: .utf8)
        let subject = try tool.text(["req", "-in", "device.csr", "-noout", "-verify", "-subject", "-nameopt", "RFC2253"])
        #expect(subject.contains("CN=CP-42"))
        #expect(subject.contains("O=Example CPO"))
        // The operator's CA signs it; the certificate carries the device's key and no other.
        try tool.issue("device", subject: "/CN=CP-42", by: "sub", csr: csr)
        let issued = try X509Certificate.chain(pem: tool.read("device.pem"))
        #expect(key.matches(issued[0]))
        #expect(!(try PrivateKey.generateP256()).matches(issued[0]))
    }

    @Test("a request refuses an empty or over-long name")
    func requestNames() throws {
        let key = try PrivateKey.generateP256()
        #expect(throws: SecurityError.self) { try key.certificateSigningRequest(commonName: "", organization: nil) }
        #expect(throws: SecurityError.self) {
            try key.certificateSigningRequest(commonName: String(repeating: "x", count: 65), organization: nil)
        }
    }

    @Test("keys round-trip through PEM and load from a file; a broken file is refused with its name")
    func keyFiles() throws {
        let key = try PrivateKey.generateP256()
        let pem = try key.pem()
        try pem.write(toFile: tool.file("k.pem"), atomically: true, encoding: .utf8)
        let loaded = try PrivateKey.load(tool.file("k.pem"))
        #expect(loaded.publicKeyInfo == key.publicKeyInfo)
        #expect(try PrivateKey(pem: pem).publicKeyInfo == key.publicKeyInfo)
        // openssl reads the file the device wrote.
        #expect(try tool.text(["pkey", "-in", "k.pem", "-noout", "-text"]).contains("P-256"))
        try "not a key".write(toFile: tool.file("bad.pem"), atomically: true, encoding: .utf8)
        #expect(throws: SecurityError.self) { try PrivateKey.load(tool.file("bad.pem")) }
        #expect(PrivateKey.isStoreURI("handle:0x81000001"))
        #expect(!PrivateKey.isStoreURI("/var/lib/chargeplex/key.pem"))
        #expect(!PrivateKey.isStoreURI("file:/var/lib/chargeplex/key.pem"))
    }

    @Test("a chain verifies against its root or an intermediate anchor, not against a foreign root or after expiry")
    func chainVerification() throws {
        try tool.issue("leaf", subject: "/CN=CP-1", by: "sub")
        let leaf = try X509Certificate.chain(pem: tool.read("leaf.pem"))[0]
        let sub = try X509Certificate.chain(pem: tool.read("sub.pem"))[0]
        let root = try X509Certificate.chain(pem: tool.read("root.pem"))[0]
        let other = try X509Certificate.chain(pem: tool.read("other.pem"))[0]
        try CertificateChain.verify([leaf, sub], roots: [root])
        try CertificateChain.verify([leaf], roots: [sub])
        #expect(throws: SecurityError.self) { try CertificateChain.verify([leaf], roots: [root]) }
        #expect(throws: SecurityError.self) { try CertificateChain.verify([leaf, sub], roots: [other]) }
        let inTwoYears = Int64(Date().timeIntervalSince1970) + 2 * 365 * 86_400
        #expect(throws: SecurityError.self) { try CertificateChain.verify([leaf, sub], roots: [root], at: inTwoYears) }
        #expect(throws: SecurityError.self) { try CertificateChain.verify([], roots: [root]) }
    }

    @Test("file signatures made by openssl dgst verify with the signer's certificate, ECDSA and RSA")
    func fileSignatures() throws {
        try tool.rootCA("rsasigner", subject: "/CN=RSA Signer", rsa: true)
        let firmware = Array((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try Data(firmware).write(to: URL(fileURLWithPath: tool.file("fw.bin")))
        for signer in ["root", "rsasigner"] {
            let signature = try tool.run(["dgst", "-sha256", "-sign", "\(signer).key", "fw.bin"])
            let certificate = try X509Certificate.chain(pem: tool.read("\(signer).pem"))[0]
            #expect(try FileSignature.verify(fileAt: tool.file("fw.bin"), signature: signature, signer: certificate))
            let other = try X509Certificate.chain(pem: tool.read("other.pem"))[0]
            #expect(!(try FileSignature.verify(fileAt: tool.file("fw.bin"), signature: signature, signer: other)))
            var altered = firmware
            altered[1000] ^= 1
            try Data(altered).write(to: URL(fileURLWithPath: tool.file("fw2.bin")))
            #expect(!(try FileSignature.verify(fileAt: tool.file("fw2.bin"), signature: signature, signer: certificate)))
            #expect(try FileSignature.verify(fileAt: tool.file("fw.bin"), signature: Base64.decode(Base64.encode(signature)), signer: certificate))
        }
        let root = try X509Certificate.chain(pem: tool.read("root.pem"))[0]
        #expect(throws: SecurityError.self) { try FileSignature.verify(fileAt: tool.file("missing.bin"), signature: [1, 2], signer: root) }
        #expect(!(try FileSignature.verify(fileAt: tool.file("fw.bin"), signature: [], signer: root)))
    }

    @Test("base64 agrees with openssl and refuses what is not base64")
    func base64() throws {
        for length in [0, 1, 2, 3, 4, 5, 63, 64, 65] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
            let expected = String(decoding: try tool.run(["base64", "-A"], input: bytes), as: UTF8.self)
            #expect(Base64.encode(bytes) == expected)
            #expect(try Base64.decode(expected) == bytes)
        }
        #expect(try Base64.decode("aGVs\nbG8=") == Array("hello".utf8))
        for bad in ["a", "ab=c", "abc*", "a===", "abcde"] {
            #expect(throws: SecurityError.self) { try Base64.decode(bad) }
        }
    }
}
