import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signatures over files: SHA-256 with the signer's key, as `openssl dgst -sha256 -sign`
/// makes them. ECDSA (DER), and RSA with either PKCS#1 v1.5 or PSS padding: the whitepaper
/// names RSA-PSS, tools default to v1.5, and the signature itself does not say which.
public enum FileSignature {
    /// Whether `signature` is `signer`'s over the file at `path`. A file that cannot be
    /// read throws; a signature that does not match returns false.
    public static func verify(fileAt path: String, signature: [UInt8], signer: X509Certificate) throws(SecurityError) -> Bool {
        guard !signature.isEmpty, signature.count <= 8192 else { return false }
        let digest = try sha256(ofFileAt: path)
        OpenSSLErrors.clear()
        return try signer.withX509 { (x509) throws(SecurityError) -> Bool in
            guard let publicKey = X509_get0_pubkey(x509) else { throw .openSSL("the signing certificate's key cannot be read") }
            let paddings: [Int32?] = EVP_PKEY_is_a(publicKey, "RSA") == 1 ? [RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING] : [nil]
            for padding in paddings {
                guard let context = EVP_PKEY_CTX_new_from_pkey(nil, publicKey, nil) else { throw .openSSL("OpenSSL cannot allocate") }
                defer { EVP_PKEY_CTX_free(context) }
                guard EVP_PKEY_verify_init(context) == 1, EVP_PKEY_CTX_set_signature_md(context, EVP_sha256()) == 1 else {
                    throw .openSSL("the signing certificate's key cannot verify SHA-256 signatures")
                }
                if let padding {
                    guard EVP_PKEY_CTX_set_rsa_padding(context, padding) == 1 else { throw .openSSL("RSA padding refused") }
                    if padding == RSA_PKCS1_PSS_PADDING {
                        guard EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_AUTO) == 1 else {
                            throw .openSSL("RSA-PSS salt length refused")
                        }
                    }
                }
                let verdict = EVP_PKEY_verify(context, signature, signature.count, digest, digest.count)
                OpenSSLErrors.clear()
                if verdict == 1 { return true }
            }
            return false
        }
    }

    /// SHA-256 of a file, read in pieces.
    static func sha256(ofFileAt path: String) throws(SecurityError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .openSSL("OpenSSL cannot allocate") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw .openSSL("OpenSSL has no SHA-256") }
        guard let file = fopen(path, "rb") else { throw SecurityError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 {
                guard EVP_DigestUpdate(context, buffer, count) == 1 else { throw .openSSL("the file cannot be hashed") }
            }
            if count < buffer.count {
                guard ferror(file) == 0 else { throw SecurityError("cannot read \(path)") }
                break
            }
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else { throw .openSSL("the file cannot be hashed") }
        return Array(digest.prefix(Int(length)))
    }
}
