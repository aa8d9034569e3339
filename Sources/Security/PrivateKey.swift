import COpenSSL

/// A private key held by OpenSSL: made on the device, read from a PEM file, or named by an
/// OpenSSL store URI (a key in a TPM through a provider, say) whose secret never leaves it.
///
/// `@unchecked Sendable`: the EVP_PKEY is not changed after init, and OpenSSL allows a key
/// to be used for signing and TLS from several threads at once.
public final class PrivateKey: @unchecked Sendable {
    let key: OpaquePointer

    init(owning key: OpaquePointer) {
        self.key = key
    }

    deinit {
        let key = key
        ProviderKeyLock.shared.locked(when: providerName != nil) { EVP_PKEY_free(key) }
    }

    /// A new EC key on the P-256 curve. `properties` picks the OpenSSL provider that makes
    /// and keeps it: nil for OpenSSL's own (the key is then a file's worth of bytes),
    /// `provider=tpm2` for a key made inside a TPM, whose PEM is a blob only that TPM can use.
    public static func generateP256(properties: String? = nil) throws(SecurityError) -> PrivateKey {
        try ProviderKeyLock.shared.locked(when: properties != nil) { () throws(SecurityError) in try makeP256(properties: properties) }
    }

    private static func makeP256(properties: String?) throws(SecurityError) -> PrivateKey {
        OpenSSLErrors.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", properties) else {
            throw .openSSL("OpenSSL has no EC keys" + (properties.map { " for \($0)" } ?? ""))
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else {
            throw .openSSL("OpenSSL cannot prepare a P-256 key")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else { throw .openSSL("OpenSSL cannot generate a P-256 key") }
        return PrivateKey(owning: key)
    }

    /// A key from PEM text (PKCS#8 or the traditional forms), unencrypted.
    public convenience init(pem: String) throws(SecurityError) {
        OpenSSLErrors.clear()
        let key = try MemoryBIO.reading(Array(pem.utf8)) { (bio) throws(SecurityError) -> OpaquePointer in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw .openSSL("not an unencrypted PEM private key") }
            return key
        }
        self.init(owning: key)
    }

    /// Whether `reference` names a key by an OpenSSL store URI (`scheme:…` other than a
    /// plain path) rather than a PEM file.
    public static func isStoreURI(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":"), colon != reference.startIndex else { return false }
        let scheme = reference[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
            && scheme.lowercased() != "file"
    }

    /// The key at `reference`: a PEM file path, or an OpenSSL store URI opened through
    /// whatever providers OpenSSL's configuration loads (e.g. `tpm2` for `handle:0x81000001`).
    public static func load(_ reference: String) throws(SecurityError) -> PrivateKey {
        // A file may hold a provider's wrapped key too: always locked.
        try ProviderKeyLock.shared.locked { () throws(SecurityError) in try read(reference) }
    }

    private static func read(_ reference: String) throws(SecurityError) -> PrivateKey {
        OpenSSLErrors.clear()
        guard isStoreURI(reference) else {
            guard let file = BIO_new_file(reference, "r") else { throw .openSSL("cannot open key file \(reference)") }
            defer { BIO_free(file) }
            guard let key = PEM_read_bio_PrivateKey(file, nil, nil, nil) else {
                throw .openSSL("\(reference) is not an unencrypted PEM private key")
            }
            return PrivateKey(owning: key)
        }
        guard let store = OSSL_STORE_open(reference, nil, nil, nil, nil) else { throw .openSSL("cannot open key store \(reference)") }
        defer { OSSL_STORE_close(store) }
        _ = OSSL_STORE_expect(store, OSSL_STORE_INFO_PKEY)
        while OSSL_STORE_eof(store) == 0 {
            guard let info = OSSL_STORE_load(store) else { continue }
            defer { OSSL_STORE_INFO_free(info) }
            if OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY, let key = OSSL_STORE_INFO_get1_PKEY(info) {
                return PrivateKey(owning: key)
            }
        }
        throw .openSSL("no private key at \(reference)")
    }

    /// The key as PEM: unencrypted PKCS#8 for OpenSSL's own keys; for a key kept by a
    /// provider, whatever form that provider writes (a TPM's wrapped blob, say).
    public func pem() throws(SecurityError) -> String {
        try ProviderKeyLock.shared.locked(when: providerName != nil) { () throws(SecurityError) in try writePEM() }
    }

    private func writePEM() throws(SecurityError) -> String {
        OpenSSLErrors.clear()
        let bio = try MemoryBIO()
        guard PEM_write_bio_PrivateKey(bio.bio, key, nil, nil, 0, nil, nil) == 1 else {
            throw .openSSL("the key cannot be written as PEM")
        }
        return bio.text
    }

    /// The DER SubjectPublicKeyInfo of the key's public half.
    public var publicKeyInfo: [UInt8] {
        derEncoding { i2d_PUBKEY(key, $0) } ?? []
    }

    /// Whether `certificate` carries this key's public half.
    public func matches(_ certificate: X509Certificate) -> Bool {
        let mine = publicKeyInfo
        return !mine.isEmpty && mine == certificate.publicKeyInfo
    }

    /// A PKCS#10 request in PEM, signed with this key (SHA-256), for the subject
    /// CN=`commonName`, O=`organization`.
    public func certificateSigningRequest(commonName: String, organization: String?) throws(SecurityError) -> String {
        try ProviderKeyLock.shared.locked(when: providerName != nil) { () throws(SecurityError) in
            try signedRequest(commonName: commonName, organization: organization)
        }
    }

    private func signedRequest(commonName: String, organization: String?) throws(SecurityError) -> String {
        OpenSSLErrors.clear()
        guard let request = X509_REQ_new() else { throw .openSSL("OpenSSL cannot allocate a request") }
        defer { X509_REQ_free(request) }
        guard let name = X509_NAME_new() else { throw .openSSL("OpenSSL cannot allocate a name") }
        defer { X509_NAME_free(name) }
        var entries = [("CN", commonName)]
        if let organization, !organization.isEmpty { entries.append(("O", organization)) }
        for (field, value) in entries {
            guard !value.isEmpty else { throw SecurityError("the request's \(field) is empty") }
            let bytes = Array(value.utf8)
            guard bytes.count <= 64 else { throw SecurityError("the request's \(field) is longer than 64 bytes") }
            guard X509_NAME_add_entry_by_txt(name, field, shim_MBSTRING_UTF8(), bytes, Int32(bytes.count), -1, 0) == 1 else {
                throw .openSSL("the request's \(field) is refused")
            }
        }
        guard X509_REQ_set_version(request, 0) == 1, X509_REQ_set_subject_name(request, name) == 1,
            X509_REQ_set_pubkey(request, key) == 1
        else { throw .openSSL("OpenSSL cannot fill in the request") }
        // A key kept by a provider (a TPM's) must be signed with in that provider: with
        // X509_REQ_sign, OpenSSL may pick its own ECDSA, which has no secret to sign with.
        guard let signing = EVP_MD_CTX_new() else { throw .openSSL("OpenSSL cannot allocate") }
        defer { EVP_MD_CTX_free(signing) }
        guard EVP_DigestSignInit_ex(signing, nil, "SHA256", nil, preferredProviderQuery, key, nil) == 1 else {
            throw .openSSL("the key cannot sign with SHA-256")
        }
        guard X509_REQ_sign_ctx(request, signing) > 0 else { throw .openSSL("the request cannot be signed") }
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509_REQ(bio.bio, request) == 1 else { throw .openSSL("the request cannot be written as PEM") }
        return bio.text
    }

    /// The provider that holds the key, when it is not OpenSSL's own: `tpm2`, say.
    public var providerName: String? {
        guard let provider = EVP_PKEY_get0_provider(key), let name = OSSL_PROVIDER_get0_name(provider) else { return nil }
        let text = String(cString: name)
        return text == "default" ? nil : text
    }

    /// A property query that prefers the key's own provider for signing with it (for a TLS
    /// context too: `SSL_CTX_new_ex`); nil for OpenSSL's own keys.
    public var preferredProviderQuery: String? {
        providerName.map { "?provider=\($0)" }
    }

    /// Runs `body` with the OpenSSL EVP_PKEY (for a TLS context); the key stays owned here.
    public func withEVPKey<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try body(key)
    }
}
