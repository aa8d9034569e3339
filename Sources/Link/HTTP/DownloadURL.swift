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
        guard !authority.contains("@") else {
            throw .downloadFailed("user names and passwords in the URL are not supported: \(Secrets.maskingURLCredentials(in: url))")
        }
        do throws(LinkError) {
            (host, port) = try OperatorEndpoint.hostAndPort(authority, defaultPort: isSecure ? 443 : 80, url: url)
        } catch {
            guard case .invalidConfiguration(let text) = error else { throw error }
            throw .downloadFailed("cannot parse the URL: \(text)")
        }
        let pathAndQuery = withoutFragment.dropFirst(authority.count)
        target = pathAndQuery.hasPrefix("/") ? String(pathAndQuery) : "/" + pathAndQuery
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
        if let uploading {
            headers.add(name: "Content-Length", value: String(uploading))
            headers.add(name: "Content-Type", value: "application/octet-stream")
        }
        return HTTPRequestHead(version: .http1_1, method: uploading == nil ? .GET : .PUT, uri: target, headers: headers)
    }
}
