import NIOCore

/// Whether bytes are well-formed UTF-8 (RFC 3629, the Unicode standard's
/// table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF, no
/// sequence cut short. RFC 6455 section 8.1 makes every text message UTF-8,
/// and an endpoint that receives one that is not fails the connection with
/// status 1007.
enum UTF8Validation {
    static func isValid(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { isValid($0) }
    }

    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var index = 0
        while index < count {
            // OCPP-J is nearly all ASCII: eight bytes at a time while it lasts.
            while index + 8 <= count,
                bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            guard index < count else { return true }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The length of the sequence and the range its second byte must
            // fall in; every later byte is 0x80...0xBF.
            let length: Int
            var lowest: UInt8 = 0x80
            var highest: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, lowest) = (3, 0xA0)  // no overlong three-byte forms
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: (length, highest) = (3, 0x9F)  // no surrogates
            case 0xF0: (length, lowest) = (4, 0x90)  // no overlong four-byte forms
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, highest) = (4, 0x8F)  // nothing above U+10FFFF
            default: return false  // a continuation byte, C0, C1 or F5...FF
            }
            guard count - index >= length else { return false }
            let second = bytes[index + 1]
            guard second >= lowest, second <= highest else { return false }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += length
        }
        return true
    }
}
