/// GetInstalledCertificateIds.req: list the certificates of one store.
public struct GetInstalledCertificateIdsRequest: OCPPRequest {
    public typealias Response = GetInstalledCertificateIdsResponse
    public static var action: OCPPAction { .getInstalledCertificateIds }
    public var certificateType: CertificateUse

    public init(certificateType: CertificateUse) { self.certificateType = certificateType }
}

extension GetInstalledCertificateIdsRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        certificateType = try object.required("certificateType")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("certificateType", certificateType)
        }
    }
}

public enum GetInstalledCertificateStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case notFound = "NotFound"
}

public struct GetInstalledCertificateIdsResponse: OCPPMessage {
    public var status: GetInstalledCertificateStatus
    /// The certificates found; never an empty list on the wire (the schema
    /// asks for at least one), so none is written as no member at all.
    public var certificateHashData: [CertificateHashData]

    public init(status: GetInstalledCertificateStatus, certificateHashData: [CertificateHashData] = []) {
        self.status = status
        self.certificateHashData = certificateHashData
    }
}

extension GetInstalledCertificateIdsResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
        let listed: [CertificateHashData]? = try object.optional("certificateHashData")
        if let listed, listed.isEmpty {
            throw PayloadError(code: .propertyConstraintViolation, field: "certificateHashData", reason: "must list at least one certificate")
        }
        certificateHashData = listed ?? []
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("certificateHashData", certificateHashData.isEmpty ? nil : certificateHashData)
            object.member("status", status)
        }
    }
}
