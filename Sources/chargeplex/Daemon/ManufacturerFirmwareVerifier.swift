import ChargePoint
import OCPP16
import Security

/// Signed firmware checked against the ManufacturerRootCertificate store: every PEM file in
/// `<state>/certs/manufacturer/`, read at each check, so that a root installed or deleted
/// counts from the next request on. The signature is SHA-256 over the whole file with the
/// signing certificate's RSA (PSS or PKCS#1 v1.5) or ECDSA key, base64 on the wire.
struct ManufacturerFirmwareVerifier: FirmwareVerifier {
    /// The ManufacturerRootCertificate store.
    let store: CertificateStore

    /// A verdict other than `.verified`, thrown out of the steps of a check.
    private struct Verdict: Error {
        let verification: FirmwareVerification
    }

    func checkSigningCertificate(_ pem: String, now: OCPPDateTime) -> FirmwareVerification {
        do {
            _ = try signingChain(pem, now: now)
            return .verified
        } catch {
            return error.verification
        }
    }

    func verify(file: String, signingCertificate pem: String, signature: String, now: OCPPDateTime) async -> FirmwareVerification {
        let signer: X509Certificate
        do {
            signer = try signingChain(pem, now: now)[0]
        } catch {
            return error.verification
        }
        let bytes: [UInt8]
        do {
            bytes = try Base64.decode(signature)
        } catch {
            return .refused("the signature is not base64: \(error)")
        }
        do {
            return try FileSignature.verify(fileAt: file, signature: bytes, signer: signer)
                ? .verified : .refused("the signature does not match the file (SHA-256 with the key of \(signer.subject))")
        } catch {
            return .failed(error.description)
        }
    }

    /// The signing certificate (leaf first, any intermediates after it), checked to lead to
    /// a manufacturer root and to be valid `now`.
    private func signingChain(_ pem: String, now: OCPPDateTime) throws(Verdict) -> [X509Certificate] {
        let chain: [X509Certificate]
        do {
            chain = try X509Certificate.chain(pem: pem)
        } catch {
            throw Verdict(verification: .refused("the signing certificate does not parse: \(error)"))
        }
        let roots = manufacturerRoots()
        guard !roots.isEmpty else { throw Verdict(verification: .refused("no manufacturer root certificate is installed")) }
        do {
            try CertificateChain.verify(chain, roots: roots, at: now.millisecondsSince1970 / 1000)
        } catch {
            throw Verdict(verification: .refused(error.description))
        }
        return chain
    }

    /// Every certificate of the store; a file that is not a certificate is left out.
    private func manufacturerRoots() -> [X509Certificate] {
        store.entries().entries.map(\.certificate)
    }
}
