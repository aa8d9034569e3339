import ChargePoint
import OCPP16

/// GetInstalledCertificateIds: anyone, for its own CentralSystemRootCertificate
/// store and for the charger's ManufacturerRootCertificate store; another
/// operator's store is never listed (the charge point looks only there).
extension GetInstalledCertificateIdsRequest: IncomingAction {}
