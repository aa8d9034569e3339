import ChargePoint
import Link
import OCPP16

/// DeleteCertificate: a root of the requester's own store, whoever it is; a
/// manufacturer root only for `home` (Failed for anyone else: the schema has
/// no Rejected here). A certificate of another operator's store is not looked
/// for, so it is NotFound. The root the requester's own connection was
/// verified with stays (Failed), as the whitepaper asks.
extension DeleteCertificateRequest: IncomingAction {
    func permission(in context: PermissionContext) -> Permission {
        guard context.certificateStore == .manufacturerRootCertificate, context.role != .home else { return .allow }
        return .refuse(DeleteCertificateResponse(status: .failed))
    }

    mutating func prepare(_ context: inout ActionContext) async -> DeleteCertificateResponse? {
        let location = await context.chargePoint.locateCertificate(certificateHashData, for: context.entry.name)
        context.permission.certificateStore = location?.use
        guard let location, location.use == .centralSystemRootCertificate,
            let anchor = await context.operators.trustAnchor(of: context.entry.name), anchor == location.entry.certificate.der
        else { return nil }
        context.operators.logger.notice(
            "refused to delete the root the operator's connection was verified with",
            metadata: ["operator": "\(context.entry.name)", "subject": "\(location.entry.certificate.subject)"])
        return DeleteCertificateResponse(status: .failed)
    }
}
