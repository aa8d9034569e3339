import COpenSSL

/// What a finished TLS handshake agreed on and whom it verified, fired up the pipeline by
/// `TLSClientHandler` as a user inbound event; a connection check reports it.
struct TLSSessionFacts: Sendable, Equatable {
    /// `TLSv1.3`, `TLSv1.2`.
    var version: String
    /// OpenSSL's name of the cipher suite.
    var cipher: String
    /// The server certificate's subject and issuer, as OpenSSL prints them (`/CN=cs.example`).
    var subject: String?
    var issuer: String?
    /// The DER of the root the server's chain was verified with (the last certificate of the
    /// verified chain).
    var trustAnchor: [UInt8]?

    init(version: String, cipher: String, subject: String? = nil, issuer: String? = nil) {
        self.version = version
        self.cipher = cipher
        self.subject = subject
        self.issuer = issuer
    }

    /// The facts of the session `ssl`, whose handshake has completed.
    init(session ssl: OpaquePointer) {
        version = SSL_get_version(ssl).map { String(cString: $0) } ?? "TLS"
        cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "?"
        trustAnchor = Self.trustAnchor(of: ssl)
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return }
        defer { X509_free(certificate) }
        subject = Self.oneLine(X509_get_subject_name(certificate))
        issuer = Self.oneLine(X509_get_issuer_name(certificate))
    }

    private static func trustAnchor(of ssl: OpaquePointer) -> [UInt8]? {
        guard let chain = SSL_get0_verified_chain(ssl) else { return nil }
        let count = OPENSSL_sk_num(chain)
        guard count > 0, let root = OPENSSL_sk_value(chain, count - 1) else { return nil }
        let length = i2d_X509(OpaquePointer(root), nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_X509(OpaquePointer(root), &cursor)
        }
        return written == length ? der : nil
    }

    private static func oneLine(_ name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        guard X509_NAME_oneline(name, &buffer, Int32(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
