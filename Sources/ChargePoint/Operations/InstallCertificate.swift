import Logging
import OCPP16
import Security

/// InstallCertificate: a root certificate into the requester's own
/// CentralSystemRootCertificate store, or into the charger's
/// ManufacturerRootCertificate store (who may is the operators layer's row).
/// Accepted once the file is on disk, and again for a certificate already
/// there; Rejected for what is not a valid CA certificate or would exceed
/// CertificateStoreMaxLength; Failed when a valid certificate cannot be stored.
extension InstallCertificateRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> InstallCertificateResponse {
        InstallCertificateResponse(status: chargePoint.install(self, from: origin.operatorName, now: now))
    }
}

extension ChargePoint {
    func install(_ request: InstallCertificateRequest, from operatorName: String?, now: OCPPDateTime) -> InstallCertificateStatus {
        var metadata: Logger.Metadata = ["operator": "\(operatorName ?? "local")", "type": "\(request.certificateType.rawValue)"]
        let certificate: X509Certificate
        switch Self.acceptableRoot(request.certificate.value, now: now) {
        case .success(let parsed):
            certificate = parsed
        case .failure(let refusal):
            metadata["reason"] = "\(refusal)"
            logger.notice("certificate refused", metadata: metadata)
            return .rejected
        }
        metadata["subject"] = "\(certificate.subject)"
        metadata["fingerprint"] = "\(certificate.fingerprint)"
        guard let store = store(request.certificateType, for: operatorName) else {
            logger.error("certificate not installed: the charger keeps no certificate stores", metadata: metadata)
            return .failed
        }
        let present = certificates(in: store)
        if present.contains(where: { $0.certificate == certificate }) {
            logger.info("certificate already installed", metadata: metadata)
            return .accepted
        }
        let limit = configuration.integer("CertificateStoreMaxLength", for: operatorName)
        guard present.count < limit else {
            metadata["reason"] = "the store holds \(present.count) certificates, CertificateStoreMaxLength is \(limit)"
            logger.notice("certificate refused", metadata: metadata)
            return .rejected
        }
        do {
            try store.install(certificate)
        } catch {
            metadata["error"] = "\(error)"
            logger.error("certificate not installed", metadata: metadata)
            return .failed
        }
        logger.info("certificate installed", metadata: metadata)
        return .accepted
    }

    /// A root certificate the charger will take: one PEM certificate that parses, says it
    /// is a CA (basicConstraints CA:TRUE) and has not expired.
    static func acceptableRoot(_ pem: String, now: OCPPDateTime) -> Result<X509Certificate, CertificateStoreError> {
        let chain: [X509Certificate]
        do {
            chain = try X509Certificate.chain(pem: pem)
        } catch {
            return .failure(CertificateStoreError("not a PEM certificate: \(error)"))
        }
        guard chain.count == 1, let certificate = chain.first else {
            return .failure(CertificateStoreError("\(chain.count) certificates where one root is expected"))
        }
        guard certificate.isCA else {
            return .failure(CertificateStoreError("\(certificate.subject) is not a CA certificate"))
        }
        guard certificate.notAfter >= now.millisecondsSince1970 / 1000 else {
            return .failure(CertificateStoreError("\(certificate.subject) has expired"))
        }
        return .success(certificate)
    }
}
