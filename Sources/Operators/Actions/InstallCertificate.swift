import ChargePoint
import OCPP16

/// InstallCertificate: a CentralSystemRootCertificate goes into the
/// requester's own store, whoever it is; a ManufacturerRootCertificate
/// (which firmware the charger trusts) only from `home`, Rejected for anyone else.
extension InstallCertificateRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        guard certificateType == .manufacturerRootCertificate, context.role != .home else { return .allow }
        return .refuse(InstallCertificateResponse(status: .rejected))
    }
}
