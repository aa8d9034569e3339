/// A read position in a TOML document's bytes, with the line it is on.
///
/// The document is scanned as UTF-8 bytes: every character TOML gives a meaning to is
/// ASCII, and the reader has checked that the whole input is valid UTF-8 beforehand, so
/// the bytes between two ASCII delimiters always decode.
struct TOMLCursor {
    let bytes: [UInt8]
    let fileName: String
    private(set) var position: Int
    private(set) var line = 1

    init(bytes: [UInt8], fileName: String) {
        self.bytes = bytes
        self.fileName = fileName
        // An editor on a service laptop may have saved the file with a byte order mark.
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    func peek(_ offset: Int) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    /// Whether the bytes at the read position spell `text` (ASCII).
    func isLooking(at text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return text.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
    }

    mutating func advance(by count: Int = 1) {
        for _ in 0..<count where position < bytes.count {
            if bytes[position] == .lineFeed { line += 1 }
            position += 1
        }
    }

    /// A syntax error at the current line, or at `line` when the problem began earlier
    /// (an unterminated string is reported where it opens).
    func failure(_ reason: String, line: Int? = nil, keyPath: String? = nil) -> ConfigurationError {
        ConfigurationError(file: fileName, line: line ?? self.line, keyPath: keyPath, reason: reason)
    }

    mutating func skipSpaces() {
        while let byte = current, byte == .space || byte == .tab { advance() }
    }

    /// Skips a comment up to, not including, the end of its line.
    mutating func skipComment() throws(ConfigurationError) {
        guard current == .hash else { return }
        while let byte = current, byte != .lineFeed, byte != .carriageReturn {
            if byte.isForbiddenControl { throw failure("control characters are not allowed in comments") }
            advance()
        }
    }

    /// Consumes one line break, LF or CRLF; `false` when there is none here.
    mutating func consumeNewline() throws(ConfigurationError) -> Bool {
        switch current {
        case .lineFeed:
            advance()
            return true
        case .carriageReturn:
            guard peek(1) == .lineFeed else { throw failure("a carriage return must be followed by a line feed") }
            advance(by: 2)
            return true
        default:
            return false
        }
    }

    /// Ends a line: spaces, an optional comment, then a line break or the end of the file.
    mutating func finishLine(after what: String) throws(ConfigurationError) {
        skipSpaces()
        try skipComment()
        if current == nil { return }
        guard try consumeNewline() else {
            throw failure("unexpected text after \(what); write one key = value per line")
        }
    }

    /// Skips spaces, line breaks and comments, which may separate the elements of an array.
    mutating func skipBlankSpace() throws(ConfigurationError) {
        while true {
            skipSpaces()
            try skipComment()
            guard try consumeNewline() else { return }
        }
    }

    /// A key, possibly dotted: `name`, `"quoted key"`, `site.'literal'.part`.
    mutating func parseKey() throws(ConfigurationError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            parts.append(try parseSimpleKey())
            guard parts.count <= TOMLReader.maximumKeyParts else {
                throw failure("a dotted key may have at most \(TOMLReader.maximumKeyParts) parts")
            }
            skipSpaces()
            guard current == .dot else { return parts }
            advance()
        }
    }

    private mutating func parseSimpleKey() throws(ConfigurationError) -> String {
        switch current {
        case .quotationMark:
            if isLooking(at: "\"\"\"") { throw failure("a key cannot be a multi-line string") }
            return try parseBasicString()
        case .apostrophe:
            if isLooking(at: "'''") { throw failure("a key cannot be a multi-line string") }
            return try parseLiteralString()
        case let byte? where byte.isBareKeyCharacter:
            let start = position
            while let next = current, next.isBareKeyCharacter { advance() }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        case nil:
            throw failure("expected a key at the end of the file")
        case let byte?:
            // Keys are not secrets, but the character could be the start of one pasted
            // in the wrong place, so only its kind is named, never the text that follows.
            let shown = byte.isPrintableASCII ? " '\(Character(Unicode.Scalar(byte)))'" : ""
            throw failure("expected a key; found the character\(shown) (bare keys use A-Z a-z 0-9 _ -)")
        }
    }
}

extension UInt8 {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quotationMark: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let apostrophe: UInt8 = 0x27
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let equalsSign: UInt8 = 0x3D
    static let leftBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let leftBrace: UInt8 = 0x7B
    static let rightBrace: UInt8 = 0x7D

    var isDecimalDigit: Bool { (0x30...0x39).contains(self) }
    var isHexDigit: Bool { isDecimalDigit || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isBareKeyCharacter: Bool { isASCIILetter || isDecimalDigit || self == .underscore || self == .minus }
    var isPrintableASCII: Bool { (0x21...0x7E).contains(self) }

    /// Control characters TOML forbids in comments and strings: all but tab (line breaks are
    /// handled by the callers, which know whether one may appear).
    var isForbiddenControl: Bool { (self < 0x20 && self != .tab) || self == 0x7F }
}
