/// Values: strings, numbers, booleans, date-times, arrays and inline tables.
extension TOMLCursor {
    /// The value at the read position. `depth` counts the arrays and inline tables around it;
    /// `path` names it in error messages.
    mutating func parseValue(depth: Int, path: String) throws(ConfigurationError) -> TOMLValue {
        let startLine = line
        switch current {
        case .quotationMark:
            return TOMLValue(.string(try parseBasicString()), line: startLine)
        case .apostrophe:
            return TOMLValue(.string(try parseLiteralString()), line: startLine)
        case .leftBracket, .leftBrace:
            guard depth < TOMLReader.maximumNestingDepth else {
                throw failure("arrays and inline tables are nested more than \(TOMLReader.maximumNestingDepth) deep", keyPath: path)
            }
            if current == .leftBracket { return try parseArray(depth: depth + 1, path: path) }
            return try parseInlineTable(depth: depth + 1, path: path)
        default:
            return TOMLValue(try parseBareValue(path: path), line: startLine)
        }
    }

    private mutating func parseArray(depth: Int, path: String) throws(ConfigurationError) -> TOMLValue {
        let startLine = line
        advance()
        var elements: [TOMLValue] = []
        while true {
            try skipBlankSpace()
            if current == .rightBracket { break }
            elements.append(try parseValue(depth: depth, path: "\(path)[\(elements.count)]"))
            try skipBlankSpace()
            if current == .comma {
                advance()
                continue
            }
            if current == .rightBracket { break }
            if current == nil {
                throw failure("unterminated array (no closing ])", line: startLine, keyPath: path)
            }
            throw failure("expected ',' or ']' after an array element", keyPath: path)
        }
        advance()
        return TOMLValue(.array(elements), line: startLine)
    }

    /// Inline tables stay on one line and have no trailing comma (TOML 1.0), which keeps a
    /// forgotten `}` from swallowing the rest of the file.
    private mutating func parseInlineTable(depth: Int, path: String) throws(ConfigurationError) -> TOMLValue {
        let startLine = line
        advance()
        let root = TOMLTableNode(origin: .inline, line: startLine, path: path)
        let tree = TOMLTree(root: root, fileName: fileName)
        skipSpaces()
        if current == .rightBrace {
            advance()
            return TOMLValue(.table(root.freeze()), line: startLine)
        }
        while true {
            skipSpaces()
            if current == .rightBrace { throw failure("an inline table cannot end with a comma", keyPath: path) }
            try checkInlineTableContinues(path: path)
            let key = try parseKey()
            guard current == .equalsSign else { throw failure("expected '=' after a key in an inline table", keyPath: path) }
            advance()
            skipSpaces()
            let value = try parseValue(depth: depth, path: TOMLTree.path(key, under: path))
            try tree.set(key, to: value, in: root)
            skipSpaces()
            if current == .comma {
                advance()
                continue
            }
            if current == .rightBrace { break }
            try checkInlineTableContinues(path: path)
            throw failure("expected ',' or '}' in an inline table", keyPath: path)
        }
        advance()
        return TOMLValue(.table(root.freeze()), line: startLine)
    }

    private func checkInlineTableContinues(path: String) throws(ConfigurationError) {
        switch current {
        case nil, .lineFeed, .carriageReturn, .hash:
            throw failure("an inline table must close with '}' on the line it opens; "
                + "use a [table] or [[array]] section for longer ones", keyPath: path)
        default:
            return
        }
    }

    /// Booleans, numbers and date-times: the run of characters up to the next delimiter.
    ///
    /// The run is never quoted back: an unquoted password would land here.
    private mutating func parseBareValue(path: String) throws(ConfigurationError) -> TOMLValue.Content {
        let start = position
        while let byte = current, byte.isBareValueCharacter {
            advance()
            // A date and a time may be separated by a space instead of `T`.
            if position - start == 10, current == .space, peek(1)?.isDecimalDigit == true,
                RFC3339.isFullDate(bytes[start..<position]) {
                advance()
            }
        }
        let token = bytes[start..<position]
        guard !token.isEmpty else {
            if current == nil { throw failure("expected a value at the end of the file", keyPath: path) }
            throw failure("expected a value: a \"quoted string\", a number, true, false, an [array] or an {inline table}", keyPath: path)
        }
        switch String(decoding: token, as: UTF8.self) {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if RFC3339.looksLikeDateOrTime(token) {
            guard let normalized = RFC3339.normalized(token) else {
                throw failure("a date-time needs a date, a time and an offset, e.g. 2026-01-31T23:59:00Z", keyPath: path)
            }
            return .dateTime(normalized)
        }
        guard token.first!.isDecimalDigit || token.first == .plus || token.first == .minus else {
            throw failure("not a valid value; text must be in quotes, e.g. \"text\"", keyPath: path)
        }
        switch TOMLNumber.parse(token) {
        case .integer(let value): return .integer(value)
        case .float(let value): return .float(value)
        case .invalid(let reason): throw failure(reason, keyPath: path)
        }
    }
}

extension UInt8 {
    var isBareValueCharacter: Bool {
        isASCIILetter || isDecimalDigit || self == .underscore || self == .plus || self == .minus
            || self == .dot || self == .colon
    }
}
