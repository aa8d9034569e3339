/// Basic (`"..."`, `"""..."""`) and literal (`'...'`, `'''...'''`) strings.
///
/// Error messages here never quote the string's text: it may be a password.
extension TOMLCursor {
    /// A basic string, single- or multi-line, starting at its opening quote.
    mutating func parseBasicString() throws(ConfigurationError) -> String {
        let startLine = line
        if isLooking(at: "\"\"\"") {
            advance(by: 3)
            try skipNewlineAfterOpeningDelimiter()
            var text: [UInt8] = []
            while true {
                guard let byte = current else {
                    throw failure("unterminated multi-line string (no closing \"\"\")", line: startLine)
                }
                if byte == .quotationMark {
                    if try closesMultiLineString(quote: .quotationMark, into: &text) {
                        return String(decoding: text, as: UTF8.self)
                    }
                } else if byte == .backslash {
                    if try skipLineEndingBackslash() { continue }
                    try appendEscape(to: &text)
                } else {
                    try appendMultiLineCharacter(byte, to: &text)
                }
            }
        }
        advance()
        var text: [UInt8] = []
        while true {
            guard let byte = current, byte != .lineFeed, byte != .carriageReturn else {
                throw failure("unterminated string (no closing \" on this line)", line: startLine)
            }
            switch byte {
            case .quotationMark:
                advance()
                return String(decoding: text, as: UTF8.self)
            case .backslash:
                try appendEscape(to: &text)
            default:
                if byte.isForbiddenControl { throw failure("control characters in strings must be escaped") }
                text.append(byte)
                advance()
            }
        }
    }

    /// A literal string, single- or multi-line, starting at its opening apostrophe.
    mutating func parseLiteralString() throws(ConfigurationError) -> String {
        let startLine = line
        if isLooking(at: "'''") {
            advance(by: 3)
            try skipNewlineAfterOpeningDelimiter()
            var text: [UInt8] = []
            while true {
                guard let byte = current else {
                    throw failure("unterminated multi-line string (no closing ''')", line: startLine)
                }
                if byte == .apostrophe {
                    if try closesMultiLineString(quote: .apostrophe, into: &text) {
                        return String(decoding: text, as: UTF8.self)
                    }
                } else {
                    try appendMultiLineCharacter(byte, to: &text)
                }
            }
        }
        advance()
        let start = position
        while true {
            guard let byte = current, byte != .lineFeed, byte != .carriageReturn else {
                throw failure("unterminated string (no closing ' on this line)", line: startLine)
            }
            if byte == .apostrophe {
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                advance()
                return text
            }
            if byte.isForbiddenControl { throw failure("control characters are not allowed in literal strings") }
            advance()
        }
    }

    /// A line break right after `"""` or `'''` is not part of the string.
    private mutating func skipNewlineAfterOpeningDelimiter() throws(ConfigurationError) {
        _ = try consumeNewline()
    }

    /// At a quote inside a multi-line string: whether this run of quotes closes it. Up to two
    /// quotes right before the closing three belong to the string (`""""a"""""` is `"a""`).
    private mutating func closesMultiLineString(quote: UInt8, into text: inout [UInt8]) throws(ConfigurationError) -> Bool {
        var run = 0
        while peek(run) == quote { run += 1 }
        guard run >= 3 else {
            text.append(contentsOf: repeatElement(quote, count: run))
            advance(by: run)
            return false
        }
        guard run <= 5 else { throw failure("too many quotes in a row at the end of a multi-line string") }
        text.append(contentsOf: repeatElement(quote, count: run - 3))
        advance(by: run)
        return true
    }

    /// Line breaks are kept as LF whatever the file uses, so values do not depend on the
    /// editor that last saved the file.
    private mutating func appendMultiLineCharacter(_ byte: UInt8, to text: inout [UInt8]) throws(ConfigurationError) {
        if try consumeNewline() {
            text.append(.lineFeed)
            return
        }
        if byte.isForbiddenControl { throw failure("control characters in strings must be escaped") }
        text.append(byte)
        advance()
    }

    /// A backslash that ends a line in a multi-line basic string swallows the line break and
    /// all white space up to the next visible character.
    private mutating func skipLineEndingBackslash() throws(ConfigurationError) -> Bool {
        var offset = 1
        while let byte = peek(offset), byte == .space || byte == .tab { offset += 1 }
        guard peek(offset) == .lineFeed || peek(offset) == .carriageReturn else { return false }
        advance(by: offset)
        while true {
            skipSpaces()
            guard try consumeNewline() else { return true }
        }
    }

    /// An escape sequence at a backslash, appended as UTF-8.
    private mutating func appendEscape(to text: inout [UInt8]) throws(ConfigurationError) {
        advance()
        guard let letter = current else { throw failure("unterminated string (ends in a backslash)") }
        advance()
        switch letter {
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "t"): text.append(.tab)
        case UInt8(ascii: "n"): text.append(.lineFeed)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "r"): text.append(.carriageReturn)
        case .quotationMark: text.append(.quotationMark)
        case .backslash: text.append(.backslash)
        case UInt8(ascii: "u"): try appendUnicodeEscape(digits: 4, to: &text)
        case UInt8(ascii: "U"): try appendUnicodeEscape(digits: 8, to: &text)
        default:
            throw failure("unknown escape sequence in a string (use \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX)")
        }
    }

    private mutating func appendUnicodeEscape(digits: Int, to text: inout [UInt8]) throws(ConfigurationError) {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = current, byte.isHexDigit else {
                throw failure("a \\u escape needs 4 and a \\U escape 8 hexadecimal digits")
            }
            value = value << 4 | UInt32(byte.hexDigitValue)
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw failure("a \\u or \\U escape must name a Unicode scalar value (not a surrogate, at most 10FFFF)")
        }
        UTF8.encode(scalar) { text.append($0) }
    }
}

extension UInt8 {
    /// The value of a hexadecimal digit; only called on bytes that passed `isHexDigit`.
    var hexDigitValue: UInt8 {
        switch self {
        case 0x30...0x39: self - 0x30
        case 0x41...0x46: self - 0x41 + 10
        default: self - 0x61 + 10
        }
    }
}
