import OCPP16
import Security

/// GetInstalledCertificateIds: the requester's own CentralSystemRootCertificate
/// store, or the charger's ManufacturerRootCertificate store (anyone may list
/// it). Hashed with SHA-256, the algorithm OCPP 1.6 leaves to the charger;
/// NotFound for an empty store. The operator's configured ca_file is not a
/// store and is not listed.
extension GetInstalledCertificateIdsRequest: ChargePointOperation {
    public func perform(
        on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime
    ) async -> GetInstalledCertificateIdsResponse {
        let entries = chargePoint.store(certificateType, for: origin.operatorName).map { chargePoint.certificates(in: $0) } ?? []
        let ids = entries.map { entry in
            entry.certificate.hashData(.sha256, issuer: ChargePoint.issuer(of: entry.certificate, among: entries))
        }
        return GetInstalledCertificateIdsResponse(status: ids.isEmpty ? .notFound : .accepted, certificateHashData: ids)
    }
}
