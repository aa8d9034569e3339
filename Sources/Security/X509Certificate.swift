import COpenSSL
import OCPP16

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One X.509 certificate, kept as its DER encoding with the facts the charger decides on
/// read out once. A value: equal certificates have equal DER.
public struct X509Certificate: Sendable, Hashable, CustomStringConvertible {
    public let der: [UInt8]
    /// Distinguished names in RFC 2253 form, e.g. `CN=CP-1,O=Example`.
    public let subject: String
    public let issuer: String
    public let commonName: String?
    public let organization: String?
    /// Lower-case hex, without leading zeros ("0" for zero).
    public let serialNumber: String
    /// Seconds since 1970 (UTC).
    public let notBefore: Int64
    public let notAfter: Int64
    /// Whether basicConstraints says CA:TRUE.
    public let isCA: Bool
    /// The DER of the SubjectPublicKeyInfo.
    public let publicKeyInfo: [UInt8]
    /// The DER of the issuer's name, and the subjectPublicKey BIT STRING's contents: what
    /// OCSP and OCPP hash to name a certificate and its issuer's key.
    let issuerNameDER: [UInt8]
    let publicKeyBits: [UInt8]

    public init(der: [UInt8]) throws(SecurityError) {
        let facts = try Self.withParsed(der) { (x509) throws(SecurityError) -> Facts in try Facts(x509) }
        self.der = der
        subject = facts.subject
        issuer = facts.issuer
        commonName = facts.commonName
        organization = facts.organization
        serialNumber = facts.serialNumber
        notBefore = facts.notBefore
        notAfter = facts.notAfter
        isCA = facts.isCA
        publicKeyInfo = facts.publicKeyInfo
        issuerNameDER = facts.issuerNameDER
        publicKeyBits = facts.publicKeyBits
    }

    /// Every certificate in a PEM text, in order. Text between the blocks is ignored;
    /// a text with no certificate, or a block that does not parse, is refused.
    public static func chain(pem: String) throws(SecurityError) -> [X509Certificate] {
        OpenSSLErrors.clear()
        let ders = try MemoryBIO.reading(Array(pem.utf8)) { (bio) throws(SecurityError) -> [[UInt8]] in
            var found: [[UInt8]] = []
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                defer { X509_free(x509) }
                guard let der = derEncoding({ i2d_X509(x509, $0) }) else {
                    throw .openSSL("certificate \(found.count + 1) cannot be encoded")
                }
                found.append(der)
            }
            // Reading stops at the end of the text (PEM_R_NO_START_LINE) or at a block that
            // does not parse: only the first is normal.
            let last = ERR_peek_last_error()
            if ERR_GET_LIB(last) == ERR_LIB_PEM, ERR_GET_REASON(last) == PEM_R_NO_START_LINE {
                OpenSSLErrors.clear()
            } else if last != 0 {
                throw .openSSL("certificate \(found.count + 1) in the PEM text does not parse")
            }
            return found
        }
        guard !ders.isEmpty else { throw SecurityError("no PEM certificate found") }
        var certificates: [X509Certificate] = []
        for der in ders { certificates.append(try X509Certificate(der: der)) }
        return certificates
    }

    /// The certificate as one PEM block.
    public var pem: String {
        var body = ""
        let encoded = Base64.encode(der)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 64, limitedBy: encoded.endIndex) ?? encoded.endIndex
            body += encoded[index..<end] + "\n"
            index = end
        }
        return "-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----\n"
    }

    /// Lower-case hex SHA-256 of the DER: the certificate's name in a store.
    public var fingerprint: String { hex(Digest.sha256(der)) }

    /// Whether subject and issuer are the same name (a root, or a cross-signed self-issued CA).
    public var isSelfIssued: Bool { subject == issuer }

    public func isValid(at secondsSince1970: Int64) -> Bool {
        notBefore <= secondsSince1970 && secondsSince1970 <= notAfter
    }

    public var description: String { "\(subject) (serial \(serialNumber), issued by \(issuer))" }

    /// The OCPP name of this certificate (CertificateHashDataType): hashes of the issuer's
    /// DER name and of the issuer's public key bits, and the serial number. `issuer` is the
    /// certificate that signed this one; nil for a self-issued certificate.
    public func hashData(_ algorithm: HashAlgorithm, issuer: X509Certificate? = nil) -> CertificateHashData {
        CertificateHashData(
            hashAlgorithm: algorithm,
            issuerNameHash: BoundedString(truncating: hex(Digest.hash(issuerNameDER, algorithm: algorithm))),
            issuerKeyHash: BoundedString(truncating: hex(Digest.hash((issuer ?? self).publicKeyBits, algorithm: algorithm))),
            serialNumber: BoundedString(truncating: serialNumber))
    }

    /// Whether `data` names this certificate (hex compared without regard to case).
    public func matches(_ data: CertificateHashData, issuer: X509Certificate? = nil) -> Bool {
        let mine = hashData(data.hashAlgorithm, issuer: issuer)
        return mine.issuerNameHash.value.lowercased() == data.issuerNameHash.value.lowercased()
            && mine.issuerKeyHash.value.lowercased() == data.issuerKeyHash.value.lowercased()
            && Self.trimmedSerial(mine.serialNumber.value) == Self.trimmedSerial(data.serialNumber.value)
    }

    static func trimmedSerial(_ text: String) -> String {
        let lower = text.lowercased()
        let trimmed = lower.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// Runs `body` with an OpenSSL X509 parsed from `der`, freed afterwards.
    static func withParsed<T>(_ der: [UInt8], _ body: (OpaquePointer) throws(SecurityError) -> T) throws(SecurityError) -> T {
        guard !der.isEmpty, der.count < Int(Int32.max) else { throw SecurityError("empty or oversized certificate") }
        OpenSSLErrors.clear()
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, Int(buffer.count))
        }
        guard let x509 = parsed else { throw .openSSL("not a DER certificate") }
        defer { X509_free(x509) }
        return try body(x509)
    }

    func withX509<T>(_ body: (OpaquePointer) throws(SecurityError) -> T) throws(SecurityError) -> T {
        try Self.withParsed(der, body)
    }
}

/// What `X509Certificate.init` reads from OpenSSL's parse.
private struct Facts {
    var subject: String
    var issuer: String
    var commonName: String?
    var organization: String?
    var serialNumber: String
    var notBefore: Int64
    var notAfter: Int64
    var isCA: Bool
    var publicKeyInfo: [UInt8]
    var issuerNameDER: [UInt8]
    var publicKeyBits: [UInt8]

    init(_ x509: OpaquePointer) throws(SecurityError) {
        guard let subjectName = X509_get_subject_name(x509), let issuerName = X509_get_issuer_name(x509) else {
            throw SecurityError("certificate without subject or issuer")
        }
        subject = try Self.text(of: subjectName)
        issuer = try Self.text(of: issuerName)
        commonName = Self.entry(NID_commonName, of: subjectName)
        organization = Self.entry(NID_organizationName, of: subjectName)
        serialNumber = try Self.serial(of: x509)
        guard let before = Self.seconds(X509_get0_notBefore(x509)), let after = Self.seconds(X509_get0_notAfter(x509))
        else { throw SecurityError("certificate with an unreadable validity period") }
        notBefore = before
        notAfter = after
        isCA = X509_get_extension_flags(x509) & UInt32(EXFLAG_CA) != 0
        guard let info = derEncoding({ i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), $0) }) else {
            throw .openSSL("certificate with an unreadable public key")
        }
        publicKeyInfo = info
        guard let issuerDER = derEncoding({ i2d_X509_NAME(issuerName, $0) }) else {
            throw .openSSL("certificate with an unencodable issuer name")
        }
        issuerNameDER = issuerDER
        guard let bits = X509_get0_pubkey_bitstr(x509), let data = ASN1_STRING_get0_data(bits) else {
            throw .openSSL("certificate with an unreadable public key")
        }
        publicKeyBits = Array(UnsafeBufferPointer(start: data, count: max(0, Int(ASN1_STRING_length(bits)))))
    }

    static func text(of name: OpaquePointer) throws(SecurityError) -> String {
        let bio = try MemoryBIO()
        guard X509_NAME_print_ex(bio.bio, name, 0, shim_XN_FLAG_RFC2253()) >= 0 else {
            throw .openSSL("certificate with an unprintable name")
        }
        return bio.text
    }

    static func entry(_ nid: Int32, of name: OpaquePointer) -> String? {
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else {
            return nil
        }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { shim_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    static func serial(of x509: OpaquePointer) throws(SecurityError) -> String {
        guard let integer = X509_get0_serialNumber(x509), let number = ASN1_INTEGER_to_BN(integer, nil) else {
            throw .openSSL("certificate with an unreadable serial number")
        }
        defer { BN_free(number) }
        guard let text = BN_bn2hex(number) else { throw .openSSL("certificate with an unreadable serial number") }
        defer { shim_OPENSSL_free(text) }
        return X509Certificate.trimmedSerial(String(cString: text))
    }

    static func seconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Int64(timegm(&parts))
    }
}
