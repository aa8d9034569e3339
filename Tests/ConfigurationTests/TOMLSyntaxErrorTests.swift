import Testing

@testable import Configuration

/// The error a document raises, or a test failure if it reads without one.
func syntaxError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationError? {
    do {
        _ = try TOMLReader.parse(text, fileName: "test.toml")
        Issue.record("the document was read without an error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("TOMLReader: syntax errors name the right line")
struct TOMLSyntaxErrorTests {
    @Test("errors print as file:line: reason", arguments: [
        ("a = 1\nb = \n", 2, "expected a value"),
        ("a = 1\n\nb = \"open\nc = 2", 3, "unterminated string"),
        ("x = 'open\n", 1, "unterminated string"),
        ("a = 1\nb = \"\"\"\nnever closed\n", 2, "unterminated multi-line string"),
        ("a = 1\nb = [1,\n 2\n", 2, "unterminated array"),
        ("a = 1 2\n", 1, "unexpected text after the value"),
        ("a = 1\n[table\nb = 2", 2, "expected ']'"),
        ("[[list]\n", 1, "expected ']]'"),
        ("a 1\n", 1, "expected '='"),
        ("a = 1\n= 2\n", 2, "expected a key"),
        ("a = 1\nb = 01\n", 2, "leading zero"),
        ("b = 1__0\n", 1, "single '_'"),
        ("b = _10\n", 1, "text must be in quotes"),
        ("b = 1.\n", 1, "not a valid float"),
        ("b = 0x\n", 1, "not a valid integer"),
        ("b = +0x10\n", 1, "cannot have a sign"),
        ("b = 9223372036854775808\n", 1, "64-bit range"),
        ("b = \"\\q\"\n", 1, "unknown escape sequence"),
        ("b = \"\\uD800\"\n", 1, "Unicode scalar value"),
        ("b = \"\\u12\"\n", 1, "hexadecimal digits"),
        ("a = 1\nb = 2026-02-30T00:00:00Z\n", 2, "date-time needs"),
        ("b = 2026-01-31T10:00:00\n", 1, "offset"),
        ("b = 10:00:00\n", 1, "date-time needs"),
        ("b = { x = 1,\n y = 2 }\n", 1, "must close with '}' on the line"),
        ("b = { x = 1, }\n", 1, "cannot end with a comma"),
        ("b = [1 2]\n", 1, "expected ',' or ']'"),
        ("b = yes\n", 1, "text must be in quotes"),
        ("a = 1\r\nb = 2\rc = 3", 2, "carriage return"),
        ("a = \"tab\u{1}\"\n", 1, "control characters"),
        ("# bell \u{7}\n", 1, "control characters"),
    ] as [(String, Int, String)])
    func lineAndReason(text: String, line: Int, reason: String) throws {
        let error = try #require(syntaxError(text))
        #expect(error.line == line)
        #expect(error.reason.contains(reason), "\(error.reason)")
        #expect(error.description.hasPrefix("test.toml:\(line): "))
        #expect(error.issues.count == 1)
    }

    @Test("a key set twice names both lines")
    func duplicateKey() throws {
        let error = try #require(syntaxError("[chargepoint]\nid = \"a\"\n\nid = \"b\"\n"))
        #expect(error.description == "test.toml:4: chargepoint.id: duplicate key (first set on line 2)")
    }

    @Test("a dotted key may not set what a plain key set", arguments: [
        ("a.b = 1\na.b = 2", 2, "a.b", "duplicate key"),
        ("a = 1\na.b = 2", 2, "a", "already set on line 1"),
        ("a.b = 1\na = 2", 2, "a", "duplicate key (already a table, line 1)"),
        ("x = { y = 1 }\nx.z = 2", 2, "x", "already set on line 1"),
        ("p = { q = 1, q = 2 }", 1, "p.q", "duplicate key"),
    ] as [(String, Int, String, String)])
    func duplicateDottedKeys(text: String, line: Int, keyPath: String, reason: String) throws {
        let error = try #require(syntaxError(text))
        #expect(error.line == line)
        #expect(error.keyPath == keyPath)
        #expect(error.reason.contains(reason), "\(error.reason)")
    }

    @Test("tables cannot be defined twice or redefined as something else", arguments: [
        ("[a]\nx = 1\n[a]\ny = 2", 3, "a", "table defined twice (first on line 1)"),
        ("[a.b]\n[a]\n[a]", 3, "a", "table defined twice"),
        ("a = 1\n[a]", 2, "a", "already set on line 1"),
        ("a = [1]\n[[a]]", 2, "a", "already set on line 1"),
        ("[a]\n[[a]]", 2, "a", "already a table"),
        ("[[a]]\n[a]", 2, "a", "already an array of tables"),
        ("[x]\ny.z = 1\n[x.y]", 3, "x.y", "table defined twice"),
        ("[a.b.c]\n[a]\nb.d = 1", 3, "a.b", "set its keys in its own section"),
        ("[[a]]\n[b]\na.x = 1\n[c]\n", nil, nil, nil),
    ] as [(String, Int?, String?, String?)])
    func tableRedefinition(text: String, line: Int?, keyPath: String?, reason: String?) throws {
        guard let line, let keyPath, let reason else {
            #expect(throws: Never.self) { try TOMLReader.parse(text, fileName: "test.toml") }
            return
        }
        let error = try #require(syntaxError(text))
        #expect(error.line == line)
        #expect(error.keyPath == keyPath)
        #expect(error.reason.contains(reason), "\(error.reason)")
    }

    @Test("an unquoted value is never repeated in the message")
    func bareValueNotEchoed() throws {
        let error = try #require(syntaxError("[x]\npassword = Hunter2Hunter2Hunter2\n"))
        #expect(error.line == 2)
        #expect(!error.description.contains("Hunter2"))
    }
}
