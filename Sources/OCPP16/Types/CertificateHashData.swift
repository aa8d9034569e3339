/// The two certificate stores a Central System can manage over OCPP 1.6:
/// the roots it is trusted by, and the roots firmware is trusted by.
public enum CertificateUse: String, StringEnum, CaseIterable {
    case centralSystemRootCertificate = "CentralSystemRootCertificate"
    case manufacturerRootCertificate = "ManufacturerRootCertificate"
}

public enum HashAlgorithm: String, StringEnum, CaseIterable {
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"
}

/// CertificateHashDataType: names one installed certificate by the hashes
/// of its issuer's name and key and by its serial number.
public struct CertificateHashData: JSONCodable, Equatable, Hashable {
    public var hashAlgorithm: HashAlgorithm
    /// Hex of the hash of the issuer's distinguished name (DER).
    public var issuerNameHash: BoundedString<Length128>
    /// Hex of the hash of the issuer's public key.
    public var issuerKeyHash: BoundedString<Length128>
    /// Hex of the certificate's serial number.
    public var serialNumber: BoundedString<Length40>

    public init(
        hashAlgorithm: HashAlgorithm, issuerNameHash: BoundedString<Length128>, issuerKeyHash: BoundedString<Length128>,
        serialNumber: BoundedString<Length40>
    ) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = serialNumber
    }

    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        hashAlgorithm = try object.required("hashAlgorithm")
        issuerNameHash = try object.required("issuerNameHash")
        issuerKeyHash = try object.required("issuerKeyHash")
        serialNumber = try object.required("serialNumber")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("hashAlgorithm", hashAlgorithm)
            object.member("issuerNameHash", issuerNameHash)
            object.member("issuerKeyHash", issuerKeyHash)
            object.member("serialNumber", serialNumber)
        }
    }
}
