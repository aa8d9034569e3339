/// Why a byte sequence is not a JSON document.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 reader: UTF-8 only, no trailing commas, no comments,
/// bounded nesting so that hostile input cannot exhaust the stack.
public struct JSONParser {
    /// Deeper documents are refused; OCPP payloads nest five or six levels.
    public static let defaultMaximumDepth = 64

    public static func parse(_ text: String, maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maximumDepth: maximumDepth)
    }

    public static func parse(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        try JSONDocument(parsing: bytes, maximumDepth: maximumDepth).root.value
    }
}

/// Reads a document into a flat list of tokens, checking every byte.
struct JSONTokenizer {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var position = 0
    var tokens: [JSONToken] = []
    var strings: [String] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        tokens.reserveCapacity(Self.tokenBound(bytes))
    }

    /// No document has more tokens than the root plus one per `[`, `{`,
    /// `,` and `:`; counting them lets the token list be allocated once.
    static func tokenBound(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        // Branch-free, so that the loop runs on vectors. `[` and `{`
        // differ only in the 0x20 bit.
        var count = 1
        for byte in bytes {
            let opens = (byte | 0x20) == UInt8(ascii: "{") ? 1 : 0
            let separates = byte == UInt8(ascii: ",") || byte == UInt8(ascii: ":") ? 1 : 0
            count &+= opens &+ separates
        }
        return count
    }

    mutating func readDocument() throws(JSONParseError) {
        skipWhitespace()
        try readValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else {
            throw error("unexpected data after the document")
        }
    }

    func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONParseError) {
        guard position < bytes.count, bytes[position] == byte else {
            throw error("expected \(what)")
        }
        position += 1
    }

    mutating func readValue(depth: Int) throws(JSONParseError) {
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try readObject(depth: depth + 1)
        case UInt8(ascii: "["): try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): try readString()
        case UInt8(ascii: "t"):
            try readLiteral("true")
            tokens.append(JSONToken(kind: .true))
        case UInt8(ascii: "f"):
            try readLiteral("false")
            tokens.append(JSONToken(kind: .false))
        case UInt8(ascii: "n"):
            try readLiteral("null")
            tokens.append(JSONToken(kind: .null))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try readNumber()
        default: throw error("unexpected character")
        }
    }

    mutating func readLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for index in 0..<count where bytes[position + index] != expected[index] {
            throw error("unexpected character")
        }
        position += count
    }

    /// Closes the container whose token is at `slot`: it learns where it
    /// ends and how many members or elements it has.
    mutating func close(_ slot: Int, count: UInt32) {
        tokens[slot].payload = Int64(tokens.count)
        tokens[slot].count = count
    }

    mutating func readObject(depth: Int) throws(JSONParseError) {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth)") }
        position += 1
        let slot = tokens.count
        tokens.append(JSONToken(kind: .object))
        var count: UInt32 = 0
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            close(slot, count: 0)
            return
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a member name")
            }
            try readString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':'")
            skipWhitespace()
            try readValue(depth: depth)
            count += 1
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                close(slot, count: count)
                return
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    mutating func readArray(depth: Int) throws(JSONParseError) {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth)") }
        position += 1
        let slot = tokens.count
        tokens.append(JSONToken(kind: .array))
        var count: UInt32 = 0
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            close(slot, count: 0)
            return
        }
        while true {
            skipWhitespace()
            try readValue(depth: depth)
            count += 1
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                close(slot, count: count)
                return
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    mutating func readNumber() throws(JSONParseError) {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw error("unexpected end of input") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(bytes[position]) {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        } else {
            throw error("expected a digit")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("expected a digit") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("expected a digit") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
        if isInteger, let value = parseInt64(text) {
            tokens.append(JSONToken(kind: .integer, payload: value))
            return
        }
        guard let value = parseDouble(text) else {
            throw error("unreadable number")
        }
        tokens.append(JSONToken(kind: .double, payload: Int64(bitPattern: value.bitPattern)))
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    func parseInt64(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard text.count - index <= 19 else { return nil }
        var magnitude: Int64 = 0
        while index < text.count {
            let digit = Int64(text[index] &- UInt8(ascii: "0"))
            let (multiplied, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = negative
                ? multiplied.subtractingReportingOverflow(digit)
                : multiplied.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            magnitude = added
            index += 1
        }
        return magnitude
    }

    /// Decimal text to the nearest double. Short plain decimals, which is
    /// what meters and limits send, are read exactly without a string.
    func parseDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var index = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if isDigit(byte), digits < 15 {
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                if seenPoint { fractionDigits += 1 }
            } else {
                // An exponent or more digits than a double holds exactly.
                return Double(String(decoding: text, as: UTF8.self))
            }
            index += 1
        }
        // Both the mantissa (under 10^15) and the power of ten (at most
        // 10^15) are exact doubles, so one division rounds correctly.
        let value = Double(mantissa) / Self.powersOfTen[fractionDigits]
        return negative ? -value : value
    }

    static let powersOfTen: [Double] = (0...15).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    mutating func readString() throws(JSONParseError) {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes. The token points into the input; plain
        // ASCII needs no validation at all.
        var isASCII = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
                if !isASCII, String(validating: raw, as: UTF8.self) == nil {
                    throw JSONParseError(offset: start, reason: "string is not valid UTF-8")
                }
                position += 1
                tokens.append(JSONToken(kind: .string, payload: Int64(start), count: UInt32(raw.count)))
                return
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            if byte >= 0x80 { isASCII = false }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string") }
        var scratch = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let string = String(validating: scratch, as: UTF8.self) else {
                    throw JSONParseError(offset: start, reason: "string is not valid UTF-8")
                }
                tokens.append(JSONToken(kind: .escapedString, payload: Int64(strings.count)))
                strings.append(string)
                return
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw error("unterminated string") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try readUnicodeEscape()
                    scratch.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw error("invalid escape")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                scratch.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    mutating func readUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = try readHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw error("unpaired surrogate") }
            position += 2
            let second = try readHex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw error("unpaired surrogate") }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw error("invalid code point") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate") }
        return scalar
    }
}
