/// The rules an operator list must follow, in one place for the configuration file and the
/// list the home operator pushes. No reason quotes a password or a URL (a URL may carry
/// credentials by mistake).
extension OperatorEntry {
    /// Every problem of every entry, then the rules of the list as a whole: at most one
    /// `billing` operator, at most one `home` operator, no two with the same name. An empty
    /// result means the list may be used; otherwise it is refused whole.
    ///
    /// Disabled entries count for the list rules: enabling one must not be able to make a
    /// stored list invalid.
    public static func validateList(_ entries: [OperatorEntry]) -> [Problem] {
        var problems: [Problem] = []
        var firstWithName: [String: Int] = [:]
        var firstWithRole: [OperatorRole: Int] = [:]
        for (index, entry) in entries.enumerated() {
            problems += entry.problems().map { Problem(index: index, field: $0.field, reason: $0.reason) }
            if let first = firstWithName[entry.name] {
                problems.append(Problem(index: index, field: .name,
                    reason: "operators[\(first)] already has this name; names must be unique"))
            } else {
                firstWithName[entry.name] = index
            }
            guard entry.role != .dataControl else { continue }
            if let first = firstWithRole[entry.role] {
                problems.append(Problem(index: index, field: .role,
                    reason: "operators[\(first)] is already \(entry.role); at most one operator may be \(entry.role)"))
            } else {
                firstWithRole[entry.role] = index
            }
        }
        return problems
    }

    /// The problems of this entry on its own.
    func problems() -> [(field: Field, reason: String)] {
        var problems: [(field: Field, reason: String)] = []
        func report(_ field: Field, _ reason: String) { problems.append((field, reason)) }

        if !Self.isValidName(name) {
            report(.name, "must be 1 to \(Self.maximumNameLength) characters of a-z, 0-9 and -")
        }
        if let reason = ChargePointIdentity.problem(with: chargePointId) { report(.chargePointId, reason) }

        let scheme = OperatorURL.scheme(of: url)
        if let reason = OperatorURL.problem(with: url) {
            report(.url, reason)
        } else if scheme == .insecure && securityProfile >= 2 {
            report(.url, "security_profile \(securityProfile) needs wss://")
        } else if scheme == .insecure && !allowInsecure {
            report(.url, "ws:// is not encrypted; use wss://, or set allow_insecure = true on closed networks and test benches only")
        }

        guard (0...3).contains(securityProfile) else {
            report(.securityProfile, "must be 0, 1, 2 or 3")
            return problems
        }
        let usesPassword = securityProfile == 1 || securityProfile == 2
        if usesPassword, let password {
            if !Self.passwordLengths.contains(password.count) {
                report(.password, "must be \(Self.passwordLengths.lowerBound) to \(Self.passwordLengths.upperBound) characters")
            } else if !password.utf8.allSatisfy(\.isPrintableASCII) {
                report(.password, "must be printable ASCII characters without spaces")
            }
        } else if usesPassword {
            report(.password, "security_profile \(securityProfile) needs a password (the AuthorizationKey, "
                + "\(Self.passwordLengths.lowerBound) to \(Self.passwordLengths.upperBound) characters)")
        } else if password != nil {
            report(.password, "only security_profile 1 and 2 send a password; remove it or change the profile")
        }

        // Below profile 3 a client certificate is kept ready for an upgrade to it over OCPP.
        for (field, path, other) in [(Field.clientCertificate, clientCertificate, clientKey), (.clientKey, clientKey, clientCertificate)] {
            if securityProfile == 3, path == nil {
                report(field, "security_profile 3 needs a client certificate and its private key (PEM file paths)")
            } else if securityProfile != 3, path != nil, other == nil {
                report(field, "client_certificate and client_key go together (used on security_profile 3, or after an upgrade to it)")
            }
        }
        if caFile != nil && scheme == .insecure { report(.caFile, "only used with wss://") }
        for (field, path) in [(Field.clientCertificate, clientCertificate), (.clientKey, clientKey), (.caFile, caFile)] {
            if let path, let reason = FilePath.problem(with: path) { report(field, reason) }
        }
        return problems
    }

    static func isValidName(_ name: String) -> Bool {
        (1...maximumNameLength).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0.isDecimalDigit || $0 == .minus }
    }
}

/// The charge point identity as OCPP-J puts it in the URL path: CiString48, and restricted
/// to RFC 3986 unreserved characters so that it reads the same on every Central System.
enum ChargePointIdentity {
    static let maximumLength = 48

    static func problem(with id: String) -> String? {
        let valid = (1...maximumLength).contains(id.utf8.count)
            && id.utf8.allSatisfy { $0.isASCIILetter || $0.isDecimalDigit || [.minus, .dot, .underscore, 0x7E].contains($0) }
        return valid ? nil : "must be 1 to \(maximumLength) characters of A-Z, a-z, 0-9, -, ., _ and ~"
    }
}

/// Checks of a WebSocket URL, with the same rules the connection applies when it opens.
enum OperatorURL {
    enum Scheme { case insecure, secure }

    static func scheme(of url: String) -> Scheme? {
        let lowered = url.lowercased()
        if lowered.hasPrefix("wss://") { return .secure }
        if lowered.hasPrefix("ws://") { return .insecure }
        return nil
    }

    static func problem(with url: String) -> String? {
        guard let scheme = scheme(of: url) else { return "must start with ws:// or wss://" }
        guard url.utf8.count <= 512 else { return "longer than 512 characters" }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return "must not contain spaces or control characters" }
        let rest = url.utf8.dropFirst(scheme == .secure ? 6 : 5)
        guard !rest.contains(UInt8(ascii: "?")), !rest.contains(.hash) else { return "must not have a query (?) or fragment (#)" }
        let authority = rest.prefix { $0 != UInt8(ascii: "/") }
        guard !authority.contains(UInt8(ascii: "@")) else {
            return "must not carry a user name or password; use the password key (security profile 1 or 2)"
        }
        if let reason = placeholderProblem(authority: authority, path: rest.dropFirst(authority.count)) { return reason }
        var host = authority[...]
        var port: Substring.UTF8View.SubSequence? = nil
        if host.first == .leftBracket {
            guard let close = host.firstIndex(of: .rightBracket) else { return "has an unclosed [ in an IPv6 address" }
            let after = host[host.index(after: close)...]
            if !after.isEmpty {
                guard after.first == .colon else { return "has text after the IPv6 address that is not a :port" }
                port = after.dropFirst()
            }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.firstIndex(of: .colon) {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { return "needs a host, e.g. wss://csms.example.com/ocpp" }
        if let port {
            guard let number = Int(Substring(port)), (1...65535).contains(number), port.allSatisfy(\.isDecimalDigit) else {
                return "port must be a number from 1 to 65535"
            }
        }
        return nil
    }
}

extension OperatorURL {
    /// What stands in a URL where the charge point id goes; without it the id is appended.
    static let idPlaceholder = "{id}"

    /// Why the URL's braces are wrong: `{id}` may stand once, in the path only, and braces
    /// serve for nothing else.
    static func placeholderProblem(authority: Substring.UTF8View.SubSequence, path: Substring.UTF8View.SubSequence) -> String? {
        let braces: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "}")]
        if authority.contains(where: braces.contains) {
            return "\(idPlaceholder) may only stand in the path, where the charge point id goes, e.g. wss://csms.example.com/ocpp/\(idPlaceholder)/"
        }
        let pieces = Substring(path).split(separator: idPlaceholder, omittingEmptySubsequences: false)
        if pieces.count > 2 { return "\(idPlaceholder) may stand only once" }
        if pieces.contains(where: { $0.utf8.contains(where: braces.contains) }) {
            return "braces are only for \(idPlaceholder), where the charge point id goes (lower case, nothing else inside)"
        }
        return nil
    }
}

/// A file or directory named in the configuration.
enum FilePath {
    static func problem(with path: String) -> String? {
        if path.isEmpty { return "must not be empty" }
        if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "must not contain control characters" }
        return nil
    }
}
