import COpenSSL
import OCPP16

/// Message digests through OpenSSL.
public enum Digest {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { hash(bytes, EVP_sha256()) }

    public static func hash(_ bytes: [UInt8], algorithm: HashAlgorithm) -> [UInt8] {
        hash(bytes, algorithm.messageDigest)
    }

    static func hash(_ bytes: [UInt8], _ md: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &out, &length, md, nil)
        }
        // EVP_Digest fails only when the process is out of memory; a truncated digest would
        // match nothing, so an empty one says the same without trapping.
        guard ok == 1 else { return [] }
        return Array(out.prefix(Int(length)))
    }
}

extension HashAlgorithm {
    var messageDigest: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}
