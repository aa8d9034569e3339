import COpenSSL

/// OpenSSL providers beyond the built-in one, loaded into the whole process: `tpm2`
/// (Debian's tpm2-openssl) makes keys named `handle:0x81000001` or TSS2 PEM files usable
/// for TLS and signing requests while their secret stays in the TPM.
public enum OpenSSLProviders {
    /// Loads OpenSSL's `default` provider (which an explicit load would otherwise switch
    /// off), then `names`. The order counts: OpenSSL 3.0 picks an algorithm from the first
    /// provider that has it, so hashing, key exchange and random numbers stay in OpenSSL's
    /// own; signing with a provider's key asks for its provider by name
    /// (`PrivateKey.preferredProviderQuery`). Loading one twice is harmless.
    public static func load(_ names: [String]) throws(SecurityError) {
        OpenSSLErrors.clear()
        for name in ["default"] + names where OSSL_PROVIDER_available(nil, name) != 1 {
            guard OSSL_PROVIDER_load(nil, name) != nil else {
                throw .openSSL("OpenSSL cannot load the provider \(name)")
            }
        }
    }
}
