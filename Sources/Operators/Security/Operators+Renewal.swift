import ChargePoint
import Configuration
import Logging
import OCPP16
import Security

/// Client certificate renewal (whitepaper A02/A03), each operator its own: a new key and a
/// signing request made on the device, SignCertificate until a CertificateSigned comes, the
/// chain checked against that operator's roots, then the connection moved to it with the
/// previous certificate as fallback.
extension Operators {
    /// How long before its end a client certificate is renewed unasked.
    static let renewalMargin: Int64 = 30 * 86_400
    /// How often each operator's client certificate is looked at.
    static let expiryCheckInterval: Int64 = 86_400

    /// Starts a renewal for `name` (ExtendedTriggerMessage SignChargePointCertificate, or a
    /// certificate near its end): true when a key and request were made and SignCertificate
    /// is on its way (answer Accepted), false when the operator is not connected or no
    /// request could be made (answer Rejected).
    public func renewClientCertificate(for name: String) async -> Bool {
        guard let entry = entries.first(where: { $0.name == name && $0.enabled }), sessions[name] != nil else { return false }
        let configuration = await chargePoint.configuration
        let organization = configuration.value("CpoName", for: name)
        let clock = ContinuousClock()
        let began = clock.now
        // A key kept by a provider (a TPM) is followed by a new key made in the same provider.
        let provider = currentKeyProvider(of: entry)
        let key: PrivateKey
        let csr: String
        do {
            key = try PrivateKey.generateP256(properties: provider.map { "provider=\($0)" })
            csr = try key.certificateSigningRequest(commonName: entry.chargePointId, organization: organization.isEmpty ? nil : organization)
        } catch {
            logger.error("cannot make a key and signing request for the client certificate", metadata: ["operator": "\(name)", "error": "\(error)"])
            return false
        }
        guard let text = PEMText(csr) else {
            logger.error("the signing request is too long for SignCertificate", metadata: ["operator": "\(name)"])
            return false
        }
        logger.info(
            "client certificate renewal: new key and signing request made",
            metadata: ["operator": "\(name)", "took": "\(Self.milliseconds(clock.now - began)) ms"])
        renewals[name]?.retries.cancel()
        renewalCount += 1
        let number = renewalCount
        let wait = configuration.integer("CertSigningWaitMinimum", for: name)
        let repeats = configuration.integer("CertSigningRepeatTimes", for: name)
        let retries = Task { await self.requestSignature(SignCertificateRequest(csr: text), for: name, number: number, wait: wait, repeats: repeats) }
        renewals[name] = PendingRenewal(number: number, key: key, retries: retries)
        return true
    }

    /// The OpenSSL provider that keeps the operator's client key now, when it is not OpenSSL's own.
    private func currentKeyProvider(of entry: OperatorEntry) -> String? {
        guard let reference = credentials(of: entry.name).current.clientIdentity(of: entry)?.key else { return nil }
        do {
            return try PrivateKey.load(reference).providerName
        } catch {
            logger.notice("the present client key cannot be read: the new one is OpenSSL's own", metadata: ["operator": "\(entry.name)", "error": "\(error)"])
            return nil
        }
    }

    /// SignCertificate, then a wait for CertificateSigned (which ends this task), doubled
    /// after each attempt; CertSigningRepeatTimes more attempts at most.
    private func requestSignature(_ request: SignCertificateRequest, for name: String, number: Int, wait: Int, repeats: Int) async {
        // The trigger's answer goes out before the request it asked for.
        await Task.yield()
        var delay = min(max(1, wait), 86_400)
        for attempt in 0...max(0, repeats) {
            guard !Task.isCancelled else { return }
            if let session = sessions[name] {
                do {
                    let answer = try await session.link.call(request)
                    logger.info("SignCertificate answered", metadata: ["operator": "\(name)", "status": "\(answer.status.rawValue)", "attempt": "\(attempt + 1)"])
                } catch {
                    logger.notice("SignCertificate not answered", metadata: ["operator": "\(name)", "error": "\(error)", "attempt": "\(attempt + 1)"])
                }
            }
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                return
            }
            delay = min(delay * 2, 86_400)
        }
        guard renewals[name]?.number == number else { return }
        logger.warning("no CertificateSigned after every attempt: renewal given up", metadata: ["operator": "\(name)", "attempts": "\(max(0, repeats) + 1)"])
        renewals[name] = nil
    }

    /// CertificateSigned: the chain checked against the pending key and the operator's own
    /// roots, stored with its key under `certs/operators/<name>/client/`, answered, and the
    /// connection moved to it (back to the previous certificate if the new one fails).
    func installClientCertificate(_ chain: String, for entry: OperatorEntry) async -> AcceptanceStatus {
        let name = entry.name
        guard let pending = renewals[name] else {
            await refuseCertificate("no signing request is pending for this operator", for: name)
            return .rejected
        }
        let configuration = await chargePoint.configuration
        let facts = SignedCertificateCheck.Facts(
            chain: chain, maximumChainSize: configuration.integer("CertificateSignedMaxChainSize", for: name),
            chargePointId: entry.chargePointId, key: pending.key, roots: roots(of: entry),
            now: clock().millisecondsSince1970 / 1000)
        let certificates: [X509Certificate]
        switch SignedCertificateCheck.verified(facts) {
        case .failure(let error):
            await refuseCertificate(error.description, for: name)
            return .rejected
        case .success(let verified):
            certificates = verified
        }
        guard let directory = certificateDirectory(of: name).map({ $0 + "/client" }) else {
            logger.error("no state directory to keep the client certificate in", metadata: ["operator": "\(name)"])
            return .rejected
        }
        let base = directory + "/" + certificates[0].fingerprint
        do {
            try CertificateFiles.makeDirectory(directory)
            try CertificateFiles.writeDurably(try pending.key.pem(), to: base + ".key")
            try CertificateFiles.writeDurably(certificates.map(\.pem).joined(), to: base + ".pem")
        } catch {
            logger.error("cannot store the new client certificate", metadata: ["operator": "\(name)", "error": "\(error)"])
            return .rejected
        }
        pending.retries.cancel()
        renewals[name] = nil
        var proposed = credentials(of: name).current
        proposed.clientCertificate = base + ".pem"
        proposed.clientKey = base + ".key"
        logger.info("new client certificate stored", metadata: ["operator": "\(name)", "certificate": "\(certificates[0])"])
        return propose(proposed, for: entry, change: "client certificate \(certificates[0].serialNumber)") == .accepted ? .accepted : .rejected
    }

    private func refuseCertificate(_ reason: String, for name: String) async {
        logger.warning("CertificateSigned refused", metadata: ["operator": "\(name)", "reason": "\(reason)"])
        await emit(.securityEvent(SecurityEventNotificationRequest(
            type: BoundedString(truncating: SecurityEventType.invalidChargePointCertificate.rawValue),
            timestamp: clock(), techInfo: BoundedString(truncating: reason)), to: name))
    }

    /// The operator's trust: its CA file and every certificate in its own root store.
    func roots(of entry: OperatorEntry) -> [X509Certificate] {
        let files = (entry.caFile.map { [$0] } ?? []) + (certificateDirectory(of: entry.name).map { CertificateFiles.pemFiles(in: $0 + "/roots") } ?? [])
        return files.flatMap { file -> [X509Certificate] in
            guard let text = CertificateFiles.read(file) else { return [] }
            do {
                return try X509Certificate.chain(pem: text)
            } catch {
                logger.warning("an unreadable root certificate is left out", metadata: ["operator": "\(entry.name)", "file": "\(file)", "error": "\(error)"])
                return []
            }
        }
    }

    /// At start and once a day: an operator on profile 3 whose client certificate ends within
    /// 30 days gets a renewal.
    func checkClientCertificates() async {
        let now = clock().millisecondsSince1970 / 1000
        for entry in entries where entry.enabled {
            guard let session = sessions[entry.name], await session.state.registered, renewals[entry.name] == nil else { continue }
            if let last = lastCertificateCheck[entry.name], now - last < Self.expiryCheckInterval, now >= last { continue }
            lastCertificateCheck[entry.name] = now
            let credentials = credentials(of: entry.name).current
            guard credentials.profile(of: entry) == 3, let identity = credentials.clientIdentity(of: entry) else { continue }
            let leaf: X509Certificate?
            do {
                leaf = try X509Certificate.chain(pem: CertificateFiles.read(identity.certificate) ?? "").first
            } catch {
                logger.warning(
                    "the client certificate cannot be read to see when it ends",
                    metadata: ["operator": "\(entry.name)", "file": "\(identity.certificate)", "error": "\(error)"])
                continue
            }
            if let leaf, leaf.notAfter - now < Self.renewalMargin {
                logger.notice("client certificate ends within 30 days: renewing", metadata: ["operator": "\(entry.name)", "notAfter": "\(leaf.notAfter)"])
                _ = await renewClientCertificate(for: entry.name)
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
