import ChargePoint
import OCPP16
import Security

#if canImport(Glibc)
    import Glibc
#endif

/// Signed firmware checked against the ManufacturerRootCertificate store: every PEM file in
/// `<state>/certs/manufacturer/`, read at each check, so that a root installed or deleted
/// counts from the next request on. The signature is SHA-256 over the whole file with the
/// signing certificate's RSA (PKCS#1 v1.5) or ECDSA key, base64 on the wire.
struct ManufacturerFirmwareVerifier: FirmwareVerifier {
    /// The store's folder.
    let directory: String
    /// The store's folder in the state directory.
    static let storeFolder = "certs/manufacturer"
    /// A file in the store longer than this is not a certificate of ours.
    static let maximumFileSize = 64 * 1024

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
        let roots = try manufacturerRoots()
        guard !roots.isEmpty else { throw Verdict(verification: .refused("no manufacturer root certificate is installed")) }
        do {
            try CertificateChain.verify(chain, roots: roots, at: now.millisecondsSince1970 / 1000)
        } catch {
            throw Verdict(verification: .refused(error.description))
        }
        return chain
    }

    /// Every certificate of the store; none when the folder does not exist. A file that is
    /// not a certificate is left out.
    private func manufacturerRoots() throws(Verdict) -> [X509Certificate] {
        guard let folder = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw Verdict(verification: .failed("cannot read \(directory): \(String(cString: strerror(errno)))"))
        }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".pem") && !name.hasPrefix(".") { names.append(name) }
        }
        var roots: [X509Certificate] = []
        for name in names.sorted() {
            guard let text = Self.read(directory + "/" + name), let certificates = try? X509Certificate.chain(pem: text) else { continue }
            roots += certificates
        }
        return roots
    }

    /// A small file's text, never through a link; nil if it cannot be read or is too long.
    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            guard bytes.count <= maximumFileSize else { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
