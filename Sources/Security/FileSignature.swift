import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signatures over files: SHA-256 with the signer's RSA or ECDSA key, as `openssl dgst
/// -sha256 -sign` makes them (PKCS#1 v1.5 for RSA, DER for ECDSA).
public enum FileSignature {
    /// Whether `signature` is `signer`'s over the file at `path`. A file that cannot be
    /// read throws; a signature that does not match returns false.
    public static func verify(fileAt path: String, signature: [UInt8], signer: X509Certificate) throws(SecurityError) -> Bool {
        guard !signature.isEmpty, signature.count <= 8192 else { return false }
        OpenSSLErrors.clear()
        return try signer.withX509 { (x509) throws(SecurityError) -> Bool in
            guard let publicKey = X509_get0_pubkey(x509) else { throw .openSSL("the signing certificate's key cannot be read") }
            guard let context = EVP_MD_CTX_new() else { throw .openSSL("OpenSSL cannot allocate") }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, publicKey) == 1 else {
                throw .openSSL("the signing certificate's key cannot verify SHA-256 signatures")
            }
            guard let file = fopen(path, "rb") else { throw SecurityError("cannot open \(path): \(String(cString: strerror(errno)))") }
            defer { fclose(file) }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if count > 0 {
                    guard EVP_DigestVerifyUpdate(context, buffer, count) == 1 else { throw .openSSL("the file cannot be hashed") }
                }
                if count < buffer.count {
                    guard ferror(file) == 0 else { throw SecurityError("cannot read \(path)") }
                    break
                }
            }
            let verdict = EVP_DigestVerifyFinal(context, signature, signature.count)
            OpenSSLErrors.clear()
            return verdict == 1
        }
    }
}
