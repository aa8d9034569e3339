/// Reads the TOML a field technician writes into a tree of tables.
///
/// Supported: comments, `[table]`, `[[array.of.tables]]`, dotted, bare and quoted keys,
/// basic and literal strings (single- and multi-line, with escapes), integers (decimal with
/// `_`, hexadecimal, octal, binary), floats (with `inf` and `nan`), booleans, offset
/// date-times, arrays (over several lines if need be) and inline tables. Local dates and
/// times are refused: nothing in the configuration has a use for a time without a zone.
///
/// Input is untrusted: it is bounded in size and nesting, and anything malformed ends in a
/// `ConfigurationError` naming the line, never in a crash.
public enum TOMLReader {
    /// The largest document read; a configuration is a few kilobytes.
    public static let maximumInputSize = 1 << 20
    /// How deep arrays and inline tables may nest inside one another.
    public static let maximumNestingDepth = 32
    /// How many parts a dotted key or a table header may have.
    public static let maximumKeyParts = 32

    /// Reads a document held in a string.
    public static func parse(_ text: String, fileName: String) throws(ConfigurationError) -> TOMLTable {
        guard text.utf8.count <= maximumInputSize else { throw tooLarge(fileName) }
        return try parse(bytes: Array(text.utf8), fileName: fileName)
    }

    /// Reads a document from its raw bytes, which must be UTF-8.
    public static func parse(bytes: [UInt8], fileName: String) throws(ConfigurationError) -> TOMLTable {
        guard bytes.count <= maximumInputSize else { throw tooLarge(fileName) }
        if let line = firstLineWithInvalidUTF8(bytes) {
            throw ConfigurationError(file: fileName, line: line, reason: "the file is not valid UTF-8 text")
        }
        var reader = DocumentReader(cursor: TOMLCursor(bytes: bytes, fileName: fileName))
        return try reader.read()
    }

    private static func tooLarge(_ fileName: String) -> ConfigurationError {
        ConfigurationError(file: fileName, line: nil, reason: "larger than \(maximumInputSize / 1024) KiB; this is not a configuration file")
    }

    /// Validates the whole input at once (the common case) and only looks for the line of
    /// the fault when there is one.
    private static func firstLineWithInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        for (index, line) in bytes.split(separator: .lineFeed, omittingEmptySubsequences: false).enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            return index + 1
        }
        return nil
    }
}

/// The document level: headers and `key = value` lines, one per line.
private struct DocumentReader {
    var cursor: TOMLCursor
    let tree: TOMLTree
    var section: TOMLTableNode

    init(cursor: TOMLCursor) {
        self.cursor = cursor
        let root = TOMLTableNode(origin: .header, line: 0, path: "")
        tree = TOMLTree(root: root, fileName: cursor.fileName)
        section = root
    }

    mutating func read() throws(ConfigurationError) -> TOMLTable {
        while true {
            cursor.skipSpaces()
            switch cursor.current {
            case nil:
                return tree.root.freeze()
            case .hash, .lineFeed, .carriageReturn:
                try cursor.finishLine(after: "a comment")
            case .leftBracket:
                try readHeader()
            default:
                try readKeyValue()
            }
        }
    }

    private mutating func readHeader() throws(ConfigurationError) {
        let line = cursor.line
        let isArray = cursor.peek(1) == .leftBracket
        cursor.advance(by: isArray ? 2 : 1)
        let keys = try cursor.parseKey()
        if isArray {
            guard cursor.isLooking(at: "]]") else { throw cursor.failure("expected ']]' to close the [[array]] header") }
            cursor.advance(by: 2)
            section = try tree.appendTable(keys, line: line)
        } else {
            guard cursor.current == .rightBracket else { throw cursor.failure("expected ']' to close the [table] header") }
            cursor.advance()
            section = try tree.defineTable(keys, line: line)
        }
        try cursor.finishLine(after: "a table header")
    }

    private mutating func readKeyValue() throws(ConfigurationError) {
        let keys = try cursor.parseKey()
        guard cursor.current == .equalsSign else { throw cursor.failure("expected '=' after the key") }
        cursor.advance()
        cursor.skipSpaces()
        let value = try cursor.parseValue(depth: 0, path: TOMLTree.path(keys, under: section.path))
        try tree.set(keys, to: value, in: section)
        try cursor.finishLine(after: "the value")
    }
}
