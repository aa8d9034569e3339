import OCPP16
import Security

/// Where a certificate named by an operator was found.
public struct CertificateLocation: Sendable, Equatable {
    public let use: CertificateUse
    public let store: CertificateStore
    public let entry: CertificateStore.Entry
}

/// The certificate stores as the operations of the security extension use them: each
/// operator sees its own CentralSystemRootCertificate store and the charger's
/// ManufacturerRootCertificate store, never another operator's.
extension ChargePoint {
    /// Keeps certificates under `stores` (the daemon's state directory); without it,
    /// InstallCertificate fails and the stores are empty.
    public func useCertificates(_ stores: CertificateStores) {
        certificateStores = stores
    }

    public var certificates: CertificateStores? { certificateStores }

    /// The store `use` means for `operatorName`: its own roots, or the charger's manufacturer
    /// roots. Nil without stores, or for a CentralSystemRootCertificate asked for by no operator.
    func store(_ use: CertificateUse, for operatorName: String?) -> CertificateStore? {
        guard let stores = certificateStores else { return nil }
        switch use {
        case .manufacturerRootCertificate: return stores.manufacturer
        case .centralSystemRootCertificate: return operatorName.map { stores.roots(of: $0) }
        }
    }

    /// The readable certificates of `store`; a file that is not one is logged and left out.
    func certificates(in store: CertificateStore) -> [CertificateStore.Entry] {
        let (entries, unreadable) = store.entries()
        for (path, reason) in unreadable {
            logger.warning("a file in a certificate store is not a certificate: ignored", metadata: ["file": "\(path)", "reason": "\(reason)"])
        }
        return entries
    }

    /// The certificate `data` names, looked for where `operatorName` may look: its own
    /// roots first, then the manufacturer store.
    public func locateCertificate(_ data: CertificateHashData, for operatorName: String?) -> CertificateLocation? {
        for use in [CertificateUse.centralSystemRootCertificate, .manufacturerRootCertificate] {
            guard let store = store(use, for: operatorName) else { continue }
            let entries = certificates(in: store)
            for entry in entries where entry.certificate.matches(data, issuer: Self.issuer(of: entry.certificate, among: entries)) {
                return CertificateLocation(use: use, store: store, entry: entry)
            }
        }
        return nil
    }

    /// The certificate that signed `certificate`, for its issuerKeyHash: nil for a
    /// self-issued one (it is its own issuer), else the store's certificate with the
    /// issuer's name. A CA whose issuer is not in the store is hashed with its own key.
    static func issuer(of certificate: X509Certificate, among entries: [CertificateStore.Entry]) -> X509Certificate? {
        guard !certificate.isSelfIssued else { return nil }
        return entries.first { $0.certificate.subject == certificate.issuer && $0.certificate != certificate }?.certificate
    }
}
