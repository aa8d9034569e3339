import Configuration
import Link
import Store

/// What an operator changed of its own connection over OCPP: its AuthorizationKey, its
/// SecurityProfile, a renewed client certificate and key. Each value set here wins over the
/// configuration file's for that operator; an unset one leaves the file's in force.
struct ConnectionCredentials: Sendable, Equatable {
    /// The AuthorizationKey as the operator set it: hex digits of the password's octets.
    var authorizationKey: String?
    var securityProfile: Int?
    /// PEM chain of the client certificate (profile 3), leaf first.
    var clientCertificate: String?
    /// PEM file or OpenSSL store URI of the client key.
    var clientKey: String?

    static let fieldNames = ["AuthorizationKey", "SecurityProfile", "ClientCertificate", "ClientKey"]

    var fields: [String: String] {
        var fields: [String: String] = [:]
        fields["AuthorizationKey"] = authorizationKey
        fields["SecurityProfile"] = securityProfile.map { String($0) }
        fields["ClientCertificate"] = clientCertificate
        fields["ClientKey"] = clientKey
        return fields
    }

    init(
        authorizationKey: String? = nil, securityProfile: Int? = nil, clientCertificate: String? = nil, clientKey: String? = nil
    ) {
        self.authorizationKey = authorizationKey
        self.securityProfile = securityProfile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// Read back from stored fields; a value that is not what was written is left out, so the
    /// configuration file's value counts for it.
    init(fields: [String: String]) {
        authorizationKey = fields["AuthorizationKey"].flatMap { AuthorizationKeyFormat.octets(of: $0) == nil ? nil : $0 }
        securityProfile = fields["SecurityProfile"].flatMap { Int($0) }.flatMap { (0...3).contains($0) ? $0 : nil }
        clientCertificate = fields["ClientCertificate"].flatMap { $0.isEmpty ? nil : $0 }
        clientKey = fields["ClientKey"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The security profile in force for `entry`.
    func profile(of entry: OperatorEntry) -> Int { securityProfile ?? entry.securityProfile }

    /// Whether a Basic authentication password is there for `entry`.
    func hasPassword(for entry: OperatorEntry) -> Bool { authorizationKey != nil || !(entry.password ?? "").isEmpty }

    /// The client certificate and key in force for `entry`, if both are there.
    func clientIdentity(of entry: OperatorEntry) -> (certificate: String, key: String)? {
        guard let certificate = clientCertificate ?? entry.clientCertificate, let key = clientKey ?? entry.clientKey else { return nil }
        return (certificate, key)
    }

    /// Puts these values in place of the configuration file's.
    func apply(to link: inout LinkConfiguration) {
        if let key = authorizationKey, let octets = AuthorizationKeyFormat.octets(of: key) { link.authorizationKeyOctets = octets }
        if let profile = securityProfile, let known = SecurityProfile(rawValue: profile) { link.securityProfile = known }
        if let certificate = clientCertificate, let key = clientKey {
            link.clientCertificateFile = certificate
            link.clientKeyFile = key
        }
    }
}

/// An operator's stored credentials: those in force, those before them (the fallback), and
/// whether the ones in force are still on trial (their first connection has not succeeded).
struct CredentialRecord: Sendable, Equatable {
    var current = ConnectionCredentials()
    var previous: ConnectionCredentials?
    var onTrial = false

    static func namespace(_ name: String) -> String { "security/operator/\(name)" }

    init(current: ConnectionCredentials = ConnectionCredentials(), previous: ConnectionCredentials? = nil, onTrial: Bool = false) {
        self.current = current
        self.previous = previous
        self.onTrial = onTrial
    }

    init(fields: [String: String]) {
        current = ConnectionCredentials(fields: fields.filter { !$0.key.hasPrefix("previous.") })
        let earlier = Dictionary(uniqueKeysWithValues: fields.compactMap { key, value in
            key.hasPrefix("previous.") ? (String(key.dropFirst("previous.".count)), value) : nil
        })
        previous = fields["hasPrevious"] == "true" ? ConnectionCredentials(fields: earlier) : nil
        onTrial = fields["onTrial"] == "true"
    }

    var fields: [String: String] {
        var fields = current.fields
        if let previous {
            fields["hasPrevious"] = "true"
            for (key, value) in previous.fields { fields["previous." + key] = value }
        }
        if onTrial { fields["onTrial"] = "true" }
        return fields
    }

    static func load(_ name: String, from store: KeyValueStore) throws -> CredentialRecord {
        CredentialRecord(fields: try store.all(namespace: namespace(name)))
    }

    /// Replaces the whole record in one transaction.
    func save(_ name: String, to store: KeyValueStore) throws {
        try store.replaceAll(namespace: Self.namespace(name), with: fields)
    }
}

/// The AuthorizationKey as the OCPP 1.6 security whitepaper writes it: the password's octets
/// in hexadecimal, at least 16 and at most 20 of them (32 to 40 hex digits).
enum AuthorizationKeyFormat {
    static let octetCounts = 16...20

    /// Why `value` is not an AuthorizationKey, or nil when it is one.
    static func problem(with value: String) -> String? {
        let digits = Array(value.utf8)
        guard digits.allSatisfy({ hexValue($0) != nil }) else { return "only hexadecimal digits (the password's octets)" }
        guard digits.count % 2 == 0 else { return "an even number of hexadecimal digits" }
        guard octetCounts.contains(digits.count / 2) else {
            return "\(octetCounts.lowerBound * 2) to \(octetCounts.upperBound * 2) hexadecimal digits (found \(digits.count))"
        }
        return nil
    }

    /// The password's octets, or nil when `value` is not an AuthorizationKey.
    static func octets(of value: String) -> [UInt8]? {
        guard problem(with: value) == nil else { return nil }
        let digits = Array(value.utf8)
        return stride(from: 0, to: digits.count, by: 2).compactMap { index in
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            return high << 4 | low
        }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
