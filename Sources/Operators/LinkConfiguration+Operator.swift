import ChargePoint
import Configuration
import Link

extension LinkConfiguration {
    /// How the charge point reaches the operator `entry`: its URL, charge point id, security
    /// profile and credentials. Timeouts and pings stay at their defaults for the caller to set;
    /// the agent's links and `chargeplex doctor` start from the same settings.
    /// The operator's trust is its `ca_file` (or the system store) and the roots it installed
    /// over OCPP in `certificates`, listed anew for each connection.
    public init(operator entry: OperatorEntry, certificates: CertificateStores? = nil) {
        self.init(
            url: entry.url, chargePointId: entry.chargePointId,
            securityProfile: SecurityProfile(rawValue: entry.securityProfile) ?? .unsecured,
            authorizationKey: entry.password, allowsInsecureTransport: entry.allowInsecure,
            trustedCertificatesFile: entry.caFile, clientCertificateFile: entry.clientCertificate,
            clientKeyFile: entry.clientKey)
        if let roots = certificates?.roots(of: entry.name) {
            installedRoots = { roots.files }
        }
    }
}
