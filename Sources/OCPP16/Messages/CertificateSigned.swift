/// CertificateSigned.req: the charger's new client certificate, signed by
/// the CA after its SignCertificate, with the sub-CA certificates it needs.
public struct CertificateSignedRequest: OCPPRequest {
    public typealias Response = CertificateSignedResponse
    public static var action: OCPPAction { .certificateSigned }
    /// PEM certificates, leaf first; CertificateSignedMaxChainSize may allow less.
    public var certificateChain: BoundedString<Length10000>

    public init(certificateChain: BoundedString<Length10000>) { self.certificateChain = certificateChain }
}

extension CertificateSignedRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        certificateChain = try object.required("certificateChain")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("certificateChain", certificateChain)
        }
    }
}

public struct CertificateSignedResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
