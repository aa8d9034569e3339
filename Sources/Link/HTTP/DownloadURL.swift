import NIOHTTP1
import OCPP16

/// An http:// or https:// URL taken apart for one GET, without Foundation's URL type.
struct DownloadURL: Sendable, Equatable {
    var isSecure: Bool
    /// The host name or IP address, IPv6 without brackets.
    var host: String
    var port: Int
    /// The HTTP request target: path and query, without the fragment.
    var target: String
    /// `Authorization: Basic` from the URL's user information (`https://user:password@host/…`),
    /// percent-decoded; never printed.
    var authorization: BasicAuthorization?

    init(_ url: String) throws(LinkError) {
        let lowered = url.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            isSecure = true
            rest = url.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            isSecure = false
            rest = url.dropFirst(7)
        } else if let scheme = url.firstRange(of: "://"), !url[..<scheme.lowerBound].isEmpty {
            throw .downloadFailed("unsupported scheme \(url[..<scheme.upperBound]): only http:// and https:// are supported")
        } else {
            throw .downloadFailed("cannot parse the URL '\(Secrets.maskingURLCredentials(in: url))': it must start with http:// or https://")
        }
        guard !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            // Not quoted with an '@': a space could end what the masking takes for a password.
            let quoted = url.contains("@") ? "" : " '\(url)'"
            throw .downloadFailed("cannot parse the URL\(quoted): it contains spaces or control characters")
        }
        let withoutFragment = rest.prefix { $0 != "#" }
        let authority = withoutFragment.prefix { $0 != "/" && $0 != "?" }
        var hostAndPort = authority
        authorization = nil
        if let at = authority.lastIndex(of: "@") {
            let userInformation = authority[..<at]
            hostAndPort = authority[authority.index(after: at)...]
            let user = userInformation.prefix { $0 != ":" }
            let password = userInformation.dropFirst(user.count + 1)
            guard let decodedUser = Self.percentDecoded(user), let decodedPassword = Self.percentDecoded(password),
                !decodedUser.isEmpty
            else {
                throw .downloadFailed("cannot parse the user name and password of \(Secrets.maskingURLCredentials(in: url))")
            }
            authorization = BasicAuthorization(user: decodedUser, password: decodedPassword)
        }
        let masked = Secrets.maskingURLCredentials(in: url)
        do throws(LinkError) {
            (host, port) = try OperatorEndpoint.hostAndPort(hostAndPort, defaultPort: isSecure ? 443 : 80, url: masked)
        } catch {
            guard case .invalidConfiguration(let text) = error else { throw error }
            throw .downloadFailed("cannot parse the URL: \(text)")
        }
        let pathAndQuery = withoutFragment.dropFirst(authority.count)
        target = pathAndQuery.hasPrefix("/") ? String(pathAndQuery) : "/" + pathAndQuery
    }

    /// `%XX` escapes decoded; nil for a broken escape, a NUL or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        guard !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether `other` is the same server: credentials follow a redirect only there.
    func isSameOrigin(as other: DownloadURL) -> Bool {
        isSecure == other.isSecure && host.lowercased() == other.host.lowercased() && port == other.port
    }

    /// The `Host` header: the port is named only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Whether `host` is an address literal: those get IP verification and no SNI.
    var hostIsAddress: Bool { OperatorEndpoint.isAddress(host) }

    /// A GET, or a PUT of `uploading` bytes.
    func requestHead(uploading: Int? = nil) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        headers.add(name: "User-Agent", value: "chargeplex")
        headers.add(name: "Connection", value: "close")
        if let authorization { headers.add(name: "Authorization", value: authorization.headerValue) }
        if let uploading {
            headers.add(name: "Content-Length", value: String(uploading))
            headers.add(name: "Content-Type", value: "application/octet-stream")
        }
        return HTTPRequestHead(version: .http1_1, method: uploading == nil ? .GET : .PUT, uri: target, headers: headers)
    }
}
