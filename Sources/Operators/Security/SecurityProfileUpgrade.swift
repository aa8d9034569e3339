import Configuration

/// ChangeConfiguration of SecurityProfile (whitepaper use case A05): only ever upward, and only
/// to a profile whose needs are already met for that operator, so that the charger never
/// switches to a connection it cannot make.
enum SecurityProfileUpgrade {
    /// What the operator's connection has now.
    struct Facts: Sendable, Equatable {
        var current: Int
        var url: String
        /// An AuthorizationKey (set over OCPP) or a password in the configuration file.
        var hasPassword: Bool
        /// A CA file or a root in the operator's own store to check its server with.
        var hasTrust: Bool
        /// A client certificate and key for this operator.
        var hasClientIdentity: Bool
    }

    /// Why the charger cannot move to profile `wanted`, or nil when it can.
    static func problem(to wanted: Int, _ facts: Facts) -> String? {
        guard (0...3).contains(wanted) else { return "profile \(wanted) does not exist" }
        guard wanted > facts.current else {
            return "the profile only ever goes up (\(facts.current) is in force, \(wanted) asked for)"
        }
        if wanted == 1 || wanted == 2, !facts.hasPassword { return "profile \(wanted) needs an AuthorizationKey" }
        if wanted >= 2 {
            guard facts.url.lowercased().hasPrefix("wss://") else { return "profile \(wanted) needs a wss:// URL, found \(facts.url)" }
            guard facts.hasTrust else { return "profile \(wanted) needs a CentralSystemRootCertificate or a CA file" }
        }
        if wanted == 3, !facts.hasClientIdentity { return "profile 3 needs a client certificate and key for this operator" }
        return nil
    }
}
