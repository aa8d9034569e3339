import COpenSSL
import Security

/// One OpenSSL `SSL_CTX` per link: trust store, minimum version and client identity,
/// loaded once so every reconnect reuses the parsed certificates.
///
/// `@unchecked Sendable`: the context is configured in `init` and only read afterwards
/// (`SSL_new`), which OpenSSL allows from any thread.
final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer
    /// Whether the client key is kept by a provider (a TPM): every use of the context that
    /// may sign or free it then holds `ProviderKeyLock`.
    let usesProviderKey: Bool
    /// Files of `additionalTrustedCertificates` that could not be loaded, with OpenSSL's reason:
    /// left out, so that one damaged file does not cut the connection off.
    let skippedCertificates: [(file: String, reason: String)]

    /// - Parameters:
    ///   - trustedCertificatesFile: the authorities the server's chain must lead to; nil for
    ///     the system store.
    ///   - additionalTrustedCertificates: PEM files trusted as well (installed roots).
    ///   - clientKeyFile: a PEM file or an OpenSSL store URI (a TPM's `handle:0x81000001`); a
    ///     key kept by a provider (a TPM's, even as a wrapped blob in a file) signs the
    ///     handshake there: the context prefers the key's own provider.
    init(
        trustedCertificatesFile: String?, additionalTrustedCertificates: [String] = [], clientCertificateFile: String?,
        clientKeyFile: String?
    ) throws(LinkError) {
        var clientKey: PrivateKey?
        if let key = clientKeyFile, clientCertificateFile != nil {
            do {
                clientKey = try PrivateKey.load(key)
            } catch {
                throw .invalidConfiguration("cannot load client key \(key): \(error)")
            }
        }
        guard let context = SSL_CTX_new_ex(nil, clientKey?.preferredProviderQuery, TLS_client_method()) else {
            throw .invalidConfiguration("OpenSSL cannot create a TLS context: \(Self.drainErrors())")
        }
        // Until `self.context` is set, a throw must free the context here; once it is set,
        // deinit does.
        var built = false
        defer { if !built { SSL_CTX_free(context) } }

        guard shim_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw .invalidConfiguration("OpenSSL refuses TLS 1.2 as minimum: \(Self.drainErrors())")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let file = trustedCertificatesFile {
            guard SSL_CTX_load_verify_locations(context, file, nil) == 1 else {
                throw .invalidConfiguration("cannot load trusted certificates from \(file): \(Self.drainErrors())")
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw .invalidConfiguration("cannot load the system certificate store: \(Self.drainErrors())")
            }
        }
        var skipped: [(file: String, reason: String)] = []
        for file in additionalTrustedCertificates where SSL_CTX_load_verify_locations(context, file, nil) != 1 {
            skipped.append((file, Self.drainErrors()))
        }
        if let certificate = clientCertificateFile, let key = clientKeyFile, let clientKey {
            // Loading and checking a provider's key reaches the provider (a TPM): locked.
            try ProviderKeyLock.shared.locked(when: clientKey.providerName != nil) { () throws(LinkError) in
                guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
                    throw .invalidConfiguration("cannot load client certificate \(certificate): \(Self.drainErrors())")
                }
                guard clientKey.withEVPKey({ SSL_CTX_use_PrivateKey(context, $0) }) == 1 else {
                    throw .invalidConfiguration("cannot use client key \(key): \(Self.drainErrors())")
                }
                guard SSL_CTX_check_private_key(context) == 1 else {
                    throw .invalidConfiguration("client key \(key) does not match certificate \(certificate)")
                }
            }
        }
        built = true
        self.context = context
        usesProviderKey = clientKey?.providerName != nil
        skippedCertificates = skipped
    }

    deinit {
        let context = context
        ProviderKeyLock.shared.locked(when: usesProviderKey) { SSL_CTX_free(context) }
    }

    /// Empties OpenSSL's per-thread error queue into one line of text.
    static func drainErrors() -> String { OpenSSLErrors.drain() }
}
