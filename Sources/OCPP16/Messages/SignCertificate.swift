/// SignCertificate.req: a CSR for the charger's new client certificate; the
/// signed certificate comes back in a CertificateSigned.
public struct SignCertificateRequest: OCPPRequest {
    public typealias Response = SignCertificateResponse
    public static var action: OCPPAction { .signCertificate }
    /// PEM-encoded PKCS #10 request.
    public var csr: PEMText

    public init(csr: PEMText) { self.csr = csr }
}

extension SignCertificateRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        csr = try object.required("csr")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("csr", csr)
        }
    }
}

public struct SignCertificateResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
