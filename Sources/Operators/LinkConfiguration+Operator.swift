import Configuration
import Link

extension LinkConfiguration {
    /// How the charge point reaches the operator `entry`: its URL, charge point id, security
    /// profile and credentials. Timeouts and pings stay at their defaults for the caller to set;
    /// the agent's links and `chargeplex doctor` start from the same settings.
    public init(operator entry: OperatorEntry) {
        self.init(
            url: entry.url, chargePointId: entry.chargePointId,
            securityProfile: SecurityProfile(rawValue: entry.securityProfile) ?? .unsecured,
            authorizationKey: entry.password, allowsInsecureTransport: entry.allowInsecure,
            trustedCertificatesFile: entry.caFile, clientCertificateFile: entry.clientCertificate,
            clientKeyFile: entry.clientKey)
    }
}
