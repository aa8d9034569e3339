import Logging
import OCPP16
import Security

/// DeleteCertificate: a certificate of the requester's own
/// CentralSystemRootCertificate store or of the ManufacturerRootCertificate
/// store (who may is the operators layer's row, which also keeps the root of
/// the requester's current connection). Another operator's certificate is
/// NotFound: the requester does not learn that it exists.
extension DeleteCertificateRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> DeleteCertificateResponse {
        DeleteCertificateResponse(status: chargePoint.delete(certificateHashData, from: origin.operatorName))
    }
}

extension ChargePoint {
    func delete(_ data: CertificateHashData, from operatorName: String?) -> DeleteCertificateStatus {
        guard let location = locateCertificate(data, for: operatorName) else {
            logger.info("certificate to delete not found", metadata: ["operator": "\(operatorName ?? "local")", "serial": "\(data.serialNumber)"])
            return .notFound
        }
        let metadata: Logger.Metadata = [
            "operator": "\(operatorName ?? "local")", "type": "\(location.use.rawValue)",
            "subject": "\(location.entry.certificate.subject)", "fingerprint": "\(location.entry.certificate.fingerprint)",
        ]
        do {
            try location.store.remove(location.entry)
        } catch {
            logger.error("certificate not deleted", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed
        }
        logger.info("certificate deleted", metadata: metadata)
        return .accepted
    }
}
