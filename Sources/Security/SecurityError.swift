import COpenSSL

/// Why a certificate, key, request or signature was refused, in words for a log line
/// or a technician.
public struct SecurityError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// `reason`, followed by what OpenSSL recorded on this thread (which is then empty).
    static func openSSL(_ reason: String) -> SecurityError {
        SecurityError("\(reason): \(OpenSSLErrors.drain())")
    }
}

public enum OpenSSLErrors {
    /// Empties OpenSSL's per-thread error queue into one line.
    public static func drain() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.isEmpty ? "no OpenSSL error recorded" : reasons.joined(separator: "; ")
    }

    /// Forgets what earlier calls left behind, so a later message names only its own cause.
    static func clear() {
        ERR_clear_error()
    }
}
