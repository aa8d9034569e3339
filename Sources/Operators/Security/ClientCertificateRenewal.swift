import Security

/// One operator's client certificate renewal under way (whitepaper A02/A03): the key made on
/// the device for it, and the task that sends SignCertificate and asks again until a
/// CertificateSigned comes or the attempts are used up.
struct PendingRenewal: Sendable {
    let number: Int
    let key: PrivateKey
    let retries: Task<Void, Never>
}

/// What makes a CertificateSigned acceptable for an operator's pending key.
enum SignedCertificateCheck {
    struct Facts {
        var chain: String
        var maximumChainSize: Int
        var chargePointId: String
        var key: PrivateKey
        var roots: [X509Certificate]
        /// Seconds since 1970.
        var now: Int64
    }

    /// The parsed chain, leaf first, or why it is refused.
    static func verified(_ facts: Facts) -> Result<[X509Certificate], SecurityError> {
        guard facts.chain.utf8.count <= facts.maximumChainSize else {
            return .failure(SecurityError("the chain has \(facts.chain.utf8.count) characters, CertificateSignedMaxChainSize is \(facts.maximumChainSize)"))
        }
        let chain: [X509Certificate]
        do {
            chain = try X509Certificate.chain(pem: facts.chain)
        } catch {
            return .failure(error)
        }
        guard let leaf = chain.first else { return .failure(SecurityError("the chain holds no certificate")) }
        guard leaf.commonName == facts.chargePointId else {
            return .failure(SecurityError("the certificate is for CN=\(leaf.commonName ?? "none"), not the charge point \(facts.chargePointId)"))
        }
        guard facts.key.matches(leaf) else { return .failure(SecurityError("the certificate is not for the key of the signing request")) }
        guard leaf.isValid(at: facts.now) else { return .failure(SecurityError("the certificate is not valid now")) }
        do {
            try CertificateChain.verify(chain, roots: facts.roots, at: facts.now)
        } catch {
            return .failure(error)
        }
        return .success(chain)
    }
}
