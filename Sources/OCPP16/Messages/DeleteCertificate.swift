/// DeleteCertificate.req: remove one installed root certificate.
public struct DeleteCertificateRequest: OCPPRequest {
    public typealias Response = DeleteCertificateResponse
    public static var action: OCPPAction { .deleteCertificate }
    public var certificateHashData: CertificateHashData

    public init(certificateHashData: CertificateHashData) { self.certificateHashData = certificateHashData }
}

extension DeleteCertificateRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        certificateHashData = try object.required("certificateHashData")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("certificateHashData", certificateHashData)
        }
    }
}

public enum DeleteCertificateStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case failed = "Failed"
    case notFound = "NotFound"
}

public struct DeleteCertificateResponse: StatusResponse {
    public var status: DeleteCertificateStatus
    public init(status: DeleteCertificateStatus) { self.status = status }
}
