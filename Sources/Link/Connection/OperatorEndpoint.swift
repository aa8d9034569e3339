/// Where a link connects: host, port and request target, worked out from the operator's
/// URL and the charge point id without Foundation's URL type.
///
/// The id goes where the URL's path says `{id}` (`wss://cs.example/ocpp/{id}/` for a Central
/// System that wants a trailing slash, `wss://cs.example/{id}/ocpp` for one that wants it mid
/// path); a URL without `{id}` gets it as its last path segment.
struct OperatorEndpoint: Sendable, Equatable {
    /// What stands in an operator's URL where the charge point id goes.
    static let idPlaceholder = "{id}"

    var isSecure: Bool
    /// The host name or IP address, IPv6 without brackets.
    var host: String
    var port: Int
    /// The HTTP request target: the URL's path with the percent-encoded charge point id in it.
    var path: String

    init(url: String, chargePointId: String) throws(LinkError) {
        let lowered = url.lowercased()
        let rest: Substring
        if lowered.hasPrefix("wss://") {
            isSecure = true
            rest = url.dropFirst(6)
        } else if lowered.hasPrefix("ws://") {
            isSecure = false
            rest = url.dropFirst(5)
        } else {
            throw .invalidConfiguration("URL must start with ws:// or wss://: \(url)")
        }
        guard !chargePointId.isEmpty else { throw .invalidConfiguration("empty charge point id") }
        guard !rest.contains("?"), !rest.contains("#") else {
            throw .invalidConfiguration("URL must not have a query or fragment: \(url)")
        }
        let authority = rest.prefix { $0 != "/" }
        var basePath = String(rest.dropFirst(authority.count))
        guard !authority.contains("@") else {
            throw .invalidConfiguration("URL must not carry credentials; use the AuthorizationKey")
        }
        guard !authority.contains("{"), !authority.contains("}") else {
            throw .invalidConfiguration("\(Self.idPlaceholder) may only stand in the URL's path: \(url)")
        }
        (host, port) = try Self.hostAndPort(authority, defaultPort: isSecure ? 443 : 80, url: url)
        let pieces = basePath.split(separator: Self.idPlaceholder, omittingEmptySubsequences: false)
        guard pieces.count <= 2 else {
            throw .invalidConfiguration("\(Self.idPlaceholder) may stand only once in \(url)")
        }
        guard pieces.allSatisfy({ !$0.contains("{") && !$0.contains("}") }) else {
            throw .invalidConfiguration("braces in a URL are only for \(Self.idPlaceholder): \(url)")
        }
        let id = Self.percentEncoded(chargePointId)
        if pieces.count == 2 {
            path = String(pieces[0]) + id + pieces[1]
        } else {
            while basePath.hasSuffix("/") { basePath.removeLast() }
            path = basePath + "/" + id
        }
    }

    /// The URL the charge point connects to: `url` with its id in place, as the technician
    /// would type it into a browser or `curl`.
    var url: String { (isSecure ? "wss://" : "ws://") + hostHeader + path }

    /// The `Host` header: the port is named only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Whether `host` is an address literal: those get IP verification and no SNI.
    var hostIsAddress: Bool { Self.isAddress(host) }

    /// Whether `host` (IPv6 without brackets) is an IPv4 or IPv6 address literal.
    static func isAddress(_ host: String) -> Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }
    }

    /// Splits a URL's authority into host (IPv6 without brackets) and port; `url` is only
    /// for the error text. Shared with `HTTPDownload`.
    static func hostAndPort(_ authority: Substring, defaultPort: Int, url: String) throws(LinkError) -> (String, Int) {
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidConfiguration("unclosed IPv6 address in \(url)")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidConfiguration("bad port in \(url)") }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw .invalidConfiguration("no host in \(url)") }
        guard let portPart else { return (String(hostPart), defaultPort) }
        guard let port = Int(portPart), (1...65535).contains(port) else {
            throw .invalidConfiguration("bad port in \(url)")
        }
        return (String(hostPart), port)
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters, so that an id
    /// with spaces, slashes or non-ASCII letters stays one path segment.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
