/// The small part of TOML a pin map and a meter's register map need:
/// `[section]` headers and `key = "string" | integer | 0x1F | 0.01 | true |
/// false` lines, with `#` comments.
///
/// Anything else (arrays, tables inside tables, dates, exponents, inf, nan)
/// is refused rather than guessed at: a pin map decides which wire closes a
/// contactor.
struct FlatTOML {
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        /// A decimal fraction such as `0.01`: finite by construction.
        case decimal(Double)
        case boolean(Bool)

        var typeName: String {
            switch self {
            case .string: "a string"
            case .integer: "an integer"
            case .decimal: "a number with a fraction"
            case .boolean: "true or false"
            }
        }
    }

    struct Entry {
        var key: String
        var value: Value
        var line: Int
    }

    struct Section {
        var name: String
        var line: Int
        var entries: [Entry] = []
    }

    /// Sections in file order; keys before the first header land in a
    /// section named "".
    private(set) var sections: [Section] = []

    init(parsing text: String, file: String) throws(PinMapError) {
        var current = Section(name: "", line: 1)
        var seenSections: Set<String> = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            func fail(_ reason: String, key: String? = nil) -> PinMapError {
                PinMapError(file: file, line: lineNumber, key: key, reason: reason)
            }
            let line = Substring(rawLine.trimmingWhitespace)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard !line.hasPrefix("[["), let close = line.firstIndex(of: "]") else {
                    throw fail("a section header looks like [name]")
                }
                let name = String(line[line.index(after: line.startIndex)..<close].trimmingWhitespace)
                guard Self.isValidName(name, allowingDots: true) else { throw fail("'\(name)' is not a section name") }
                guard Self.isBlankOrComment(line[line.index(after: close)...]) else {
                    throw fail("unexpected text after the section header")
                }
                guard seenSections.insert(name).inserted else { throw fail("section [\(name)] appears twice") }
                if current.name != "" || !current.entries.isEmpty { sections.append(current) }
                current = Section(name: name, line: lineNumber)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw fail("expected key = value") }
            let key = String(line[..<equals].trimmingWhitespace)
            guard Self.isValidName(key, allowingDots: false) else { throw fail("'\(key)' is not a key name") }
            let dotted = current.name.isEmpty ? key : current.name + "." + key
            if current.entries.contains(where: { $0.key == key }) { throw fail("set twice in this section", key: dotted) }
            guard let value = Self.value(line[line.index(after: equals)...]) else {
                throw fail("the value must be \"text\", a number, true or false", key: dotted)
            }
            current.entries.append(Entry(key: key, value: value, line: lineNumber))
        }
        if current.name != "" || !current.entries.isEmpty { sections.append(current) }
    }

    private static func value(_ text: Substring) -> Value? {
        let text = Substring(text.trimmingWhitespace)
        if text.hasPrefix("\"") { return quoted(text.dropFirst()) }
        let end = text.firstIndex(of: "#") ?? text.endIndex
        let word = String(text[..<end].trimmingWhitespace)
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default:
            if let number = integer(word) { return .integer(number) }
            if let number = hexadecimal(word) { return .integer(number) }
            return decimal(word).map { .decimal($0) }
        }
    }

    /// `0x` and up to eight hex digits, single underscores between them.
    private static func hexadecimal(_ word: String) -> Int? {
        guard word.hasPrefix("0x") else { return nil }
        let digits = word.dropFirst(2)
        guard let first = digits.first, first.isHexDigit, let last = digits.last, last.isHexDigit,
              !digits.contains("__"), digits.allSatisfy({ $0.isHexDigit || $0 == "_" })
        else { return nil }
        let plain = digits.filter { $0 != "_" }
        guard plain.count <= 8 else { return nil }
        return Int(plain, radix: 16)
    }

    /// Whole digits, a point, fraction digits (`0.001`, `-1.5`), at most
    /// 18 digits in all so the value is what was written.
    private static func decimal(_ word: String) -> Double? {
        var text = Substring(word)
        if let sign = text.first, sign == "+" || sign == "-" { text = text.dropFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[0].count + parts[1].count <= 18,
              let value = Double(word), value.isFinite
        else { return nil }
        return value
    }

    /// A basic string after its opening quote, then only a comment.
    private static func quoted(_ text: Substring) -> Value? {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            switch character {
            case "\"":
                return isBlankOrComment(text[index...]) ? .string(result) : nil
            case "\\":
                guard index < text.endIndex else { return nil }
                switch text[index] {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "t": result.append("\t")
                default: return nil
                }
                index = text.index(after: index)
            default:
                result.append(character)
            }
        }
        return nil
    }

    /// Decimal, optional sign, single underscores between digits (`1_000`).
    private static func integer(_ word: String) -> Int? {
        var digits = Substring(word)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber,
              let last = digits.last, last.isASCII, last.isNumber,
              !digits.contains("__"),
              digits.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }),
              let magnitude = Int(digits.filter { $0 != "_" })
        else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func isBlankOrComment(_ text: Substring) -> Bool {
        let rest = text.trimmingWhitespace
        return rest.isEmpty || rest.hasPrefix("#")
    }

    private static func isValidName(_ name: String, allowingDots: Bool) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.hasSuffix(".") && !name.contains("..")
            && name.allSatisfy { character in
                (character.isASCII && (character.isLetter || character.isNumber))
                    || character == "_" || character == "-" || (allowingDots && character == ".")
            }
    }
}

extension StringProtocol {
    var trimmingWhitespace: SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
