import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The addresses a host name stands for, by the system's resolver (`/etc/hosts`, DNS), as
/// the connection itself will look it up.
enum HostLookup {
    struct Failure: Error, Sendable, CustomStringConvertible {
        /// The resolver's own words: "Name or service not known", "Temporary failure in name
        /// resolution".
        var description: String
    }

    /// The distinct addresses of `host`, in the resolver's order. getaddrinfo blocks, so it
    /// runs on NIO's thread pool.
    static func addresses(of host: String, port: Int) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive { try resolve(host, port: port) }
    }

    private static func resolve(_ host: String, port: Int) throws(Failure) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            let reason = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            throw Failure(description: status == EAI_SYSTEM ? String(cString: strerror(errno)) : reason)
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let info = entry?.pointee {
            if let address = info.ai_addr, let text = numeric(address, length: info.ai_addrlen), !addresses.contains(text) {
                addresses.append(text)
            }
            entry = info.ai_next
        }
        return addresses
    }

    private static func numeric(_ address: UnsafeMutablePointer<sockaddr>, length: socklen_t) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
