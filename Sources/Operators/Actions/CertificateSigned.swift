import ChargePoint
import OCPP16

/// CertificateSigned: the requester's own client certificate, never another's (operators.md,
/// security extension); checked and put in force by the operators layer (Security/).
extension CertificateSignedRequest: IncomingAction {
    /// The charge point alone keeps no client identity: only an operator's connection has one.
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> CertificateSignedResponse {
        CertificateSignedResponse(status: .rejected)
    }

    func carryOut(_ context: ActionContext) async -> CertificateSignedResponse {
        CertificateSignedResponse(status: await context.operators.installClientCertificate(certificateChain.value, for: context.entry))
    }
}
