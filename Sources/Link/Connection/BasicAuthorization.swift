/// The `Authorization: Basic` header value of security profiles 1 and 2.
///
/// Kept as its own type so the secret never ends up in a log line by accident: its
/// description is redacted.
struct BasicAuthorization: Sendable, Equatable, CustomStringConvertible {
    let headerValue: String

    init(user: String, password: String) {
        self.init(user: user, password: Array(password.utf8))
    }

    /// The password as octets: an AuthorizationKey set over OCPP is binary (hex on the wire).
    init(user: String, password: [UInt8]) {
        headerValue = "Basic " + Self.base64(Array("\(user):".utf8) + password)
    }

    var description: String { "Basic <redacted>" }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                if position <= count {
                    output.append(alphabet[Int((group >> (18 - 6 * UInt32(position))) & 0x3F)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
