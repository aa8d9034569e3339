import COpenSSL

/// Chain verification through OpenSSL's X509_verify_cert.
public enum CertificateChain {
    /// Checks that `chain` (leaf first, then intermediates in any order) leads to one of
    /// `roots`. A root may be an intermediate CA: whatever is in `roots` is trusted as an
    /// anchor. `at` is the time the validity periods are checked at (seconds since 1970);
    /// nil checks against the system clock.
    public static func verify(_ chain: [X509Certificate], roots: [X509Certificate], at time: Int64? = nil) throws(SecurityError) {
        guard let leaf = chain.first else { throw SecurityError("the chain is empty") }
        guard !roots.isEmpty else { throw SecurityError("no trusted root to check the chain against") }
        OpenSSLErrors.clear()
        guard let store = X509_STORE_new() else { throw .openSSL("OpenSSL cannot create a certificate store") }
        defer { X509_STORE_free(store) }
        for root in roots {
            // X509_STORE_add_cert takes its own reference.
            try root.withX509 { (x509) throws(SecurityError) in
                guard X509_STORE_add_cert(store, x509) == 1 else { throw .openSSL("root \(root.subject) cannot be added") }
            }
        }
        guard let untrusted = shim_sk_X509_new_null() else { throw .openSSL("OpenSSL cannot allocate") }
        defer { shim_sk_X509_pop_free(untrusted) }
        for certificate in chain.dropFirst() {
            let parsed = try certificate.duplicateX509()
            guard shim_sk_X509_push(untrusted, parsed) > 0 else {
                X509_free(parsed)
                throw .openSSL("OpenSSL cannot allocate")
            }
        }
        try leaf.withX509 { (x509) throws(SecurityError) in
            guard let context = X509_STORE_CTX_new() else { throw .openSSL("OpenSSL cannot allocate") }
            defer { X509_STORE_CTX_free(context) }
            guard X509_STORE_CTX_init(context, store, x509, untrusted) == 1 else { throw .openSSL("OpenSSL cannot start a verification") }
            var flags = UInt(X509_V_FLAG_PARTIAL_CHAIN)
            if let time {
                flags |= UInt(X509_V_FLAG_USE_CHECK_TIME)
                X509_STORE_CTX_set_time(context, 0, time_t(time))
            }
            X509_STORE_CTX_set_flags(context, flags)
            guard X509_verify_cert(context) == 1 else {
                let code = X509_STORE_CTX_get_error(context)
                let reason = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
                OpenSSLErrors.clear()
                throw SecurityError("\(leaf.subject): \(reason)")
            }
        }
    }
}

extension X509Certificate {
    /// A new OpenSSL X509 the caller owns.
    func duplicateX509() throws(SecurityError) -> OpaquePointer {
        try withX509 { (x509) throws(SecurityError) -> OpaquePointer in
            guard let copy = X509_dup(x509) else { throw .openSSL("OpenSSL cannot copy a certificate") }
            return copy
        }
    }
}
