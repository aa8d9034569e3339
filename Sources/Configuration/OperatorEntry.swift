/// One Central System the charge point connects to, as written in the configuration file or
/// pushed by the home operator.
///
/// Holds the Basic authentication password: `description`, `debugDescription` and the
/// mirror leave it out, so an entry can be logged or dumped as a whole.
public struct OperatorEntry: Sendable, Equatable {
    /// Unique within the list, `[a-z0-9-]+`; names the operator in logs, the store and the CLI.
    public var name: String
    /// The endpoint, `ws://` or `wss://`. The charge point id goes where the path says `{id}`
    /// (`wss://cs.example/ocpp/{id}/`), or is appended as the last path segment.
    public var url: String
    /// The identity this operator knows the charge point by.
    public var chargePointId: String
    public var role: OperatorRole
    /// OCPP 1.6 security profile, 0 to 3.
    public var securityProfile: Int
    /// The AuthorizationKey for HTTP Basic authentication (profiles 1 and 2).
    public var password: String?
    /// PEM certificate chain of the charge point (profile 3).
    public var clientCertificate: String?
    /// PEM private key of the charge point (profile 3).
    public var clientKey: String?
    /// PEM file of the authorities trusted for this operator's server; `nil` means the system store.
    public var caFile: String?
    /// Allows `ws://`. Off unless asked for: without it every connection is encrypted.
    public var allowInsecure: Bool
    /// A disabled operator stays in the list (and counts for its rules) but is not connected.
    public var enabled: Bool

    public init(
        name: String, url: String, chargePointId: String, role: OperatorRole,
        securityProfile: Int = 0, password: String? = nil,
        clientCertificate: String? = nil, clientKey: String? = nil, caFile: String? = nil,
        allowInsecure: Bool = false, enabled: Bool = true
    ) {
        self.name = name
        self.url = url
        self.chargePointId = chargePointId
        self.role = role
        self.securityProfile = securityProfile
        self.password = password
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.caFile = caFile
        self.allowInsecure = allowInsecure
        self.enabled = enabled
    }

    /// The fields by the names they have in the configuration file, so that a problem found
    /// in a pushed list reads the same as one found in the file.
    public enum Field: String, Sendable, CaseIterable {
        case name, url, role, password, enabled
        case chargePointId = "chargepoint_id"
        case securityProfile = "security_profile"
        case clientCertificate = "client_certificate"
        case clientKey = "client_key"
        case caFile = "ca_file"
        case allowInsecure = "allow_insecure"
    }

    /// Why a list is refused: `operators[1].url: must start with ws:// or wss://`.
    ///
    /// `index` counts from 0 in list order.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var index: Int
        public var field: Field
        public var reason: String

        public init(index: Int, field: Field, reason: String) {
            self.index = index
            self.field = field
            self.reason = reason
        }

        public var description: String { "operators[\(index)].\(field.rawValue): \(reason)" }
    }

    /// The longest operator name.
    public static let maximumNameLength = 32
    /// The AuthorizationKey's length in characters. The OCPP 1.6 security whitepaper sets a
    /// minimum of 16; the upper bound is OCPP 2.0.1's BasicAuthPassword (40), which keeps the
    /// Authorization header bounded.
    public static let passwordLengths = 16...40
}

extension OperatorEntry: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var text = "\(name) (\(role), \(url), id \(chargePointId), security profile \(securityProfile)"
        if password != nil { text += ", password <redacted>" }
        if let clientCertificate { text += ", certificate \(clientCertificate)" }
        if let clientKey { text += ", key \(clientKey)" }
        if let caFile { text += ", CA \(caFile)" }
        if allowInsecure { text += ", insecure allowed" }
        if !enabled { text += ", disabled" }
        return text + ")"
    }

    public var debugDescription: String { "OperatorEntry(\(description))" }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "name": name, "url": url, "chargePointId": chargePointId, "role": role,
            "securityProfile": securityProfile, "password": password == nil ? "nil" : "<redacted>",
            "clientCertificate": clientCertificate as Any, "clientKey": clientKey as Any,
            "caFile": caFile as Any, "allowInsecure": allowInsecure, "enabled": enabled,
        ])
    }
}
