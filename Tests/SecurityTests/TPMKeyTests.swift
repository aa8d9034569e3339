import Foundation
import Security
import Testing

@Suite("Keys whose secret stays in a TPM (swtpm through the tpm2 provider)", .serialized)
struct TPMKeyTests {
    @Test("a persistent TPM key named by its handle signs a request that openssl verifies")
    func persistentHandle() throws {
        let tpm = try SoftwareTPM.shared.get()
        try tpm.persistentKey(at: "0x81000001")
        let key = try PrivateKey.load("handle:0x81000001")
        let csr = try key.certificateSigningRequest(commonName: "CP-TPM", organization: "Example CPO")
        let tool = try OpenSSLTool.scratch()
        try csr.write(toFile: tool.file("tpm.csr"), atomically: true, encoding: .utf8)
        #expect(try tool.text(["req", "-in", "tpm.csr", "-noout", "-verify", "-subject"]).contains("CN = CP-TPM"))
        // The request carries the TPM key's public half: the one tpm2-tools reads out.
        let publicPEM = try tool.text(["req", "-in", "tpm.csr", "-noout", "-pubkey"])
        #expect(publicPEM.contains("BEGIN PUBLIC KEY"))
        #expect(try tpm.tool2(["tpm2_readpublic", "-c", "0x81000001"]).contains("ecc"))
        // Its secret cannot be read out as a plain key.
        #expect(!((try? key.pem()) ?? "").contains("BEGIN PRIVATE KEY"))
    }

    @Test("a key made inside the TPM is written as a wrapped blob, loads again from that file, and signs")
    func generatedInTPM() throws {
        _ = try SoftwareTPM.shared.get()
        let key = try PrivateKey.generateP256(properties: "provider=tpm2")
        let pem = try key.pem()
        #expect(pem.contains("BEGIN TSS2 PRIVATE KEY"))
        let tool = try OpenSSLTool.scratch()
        try pem.write(toFile: tool.file("wrapped.pem"), atomically: true, encoding: .utf8)
        let again = try PrivateKey.load(tool.file("wrapped.pem"))
        #expect(again.publicKeyInfo == key.publicKeyInfo)
        let csr = try again.certificateSigningRequest(commonName: "CP-TPM-2", organization: nil)
        try csr.write(toFile: tool.file("again.csr"), atomically: true, encoding: .utf8)
        #expect(try tool.text(["req", "-in", "again.csr", "-noout", "-verify", "-subject"]).contains("CN = CP-TPM-2"))
    }
}
