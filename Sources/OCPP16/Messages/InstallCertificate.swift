/// InstallCertificate.req: add a root certificate to one store.
public struct InstallCertificateRequest: OCPPRequest {
    public typealias Response = InstallCertificateResponse
    public static var action: OCPPAction { .installCertificate }
    public var certificateType: CertificateUse
    public var certificate: PEMText

    public init(certificateType: CertificateUse, certificate: PEMText) {
        self.certificateType = certificateType
        self.certificate = certificate
    }
}

extension InstallCertificateRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        certificateType = try object.required("certificateType")
        certificate = try object.required("certificate")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("certificateType", certificateType)
            object.member("certificate", certificate)
        }
    }
}

public enum InstallCertificateStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    /// The certificate is not valid or cannot be stored.
    case failed = "Failed"
    /// Not allowed, for example a root that would exceed the store's size.
    case rejected = "Rejected"
}

public struct InstallCertificateResponse: StatusResponse {
    public var status: InstallCertificateStatus
    public init(status: InstallCertificateStatus) { self.status = status }
}
