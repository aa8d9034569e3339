import Testing

@testable import Configuration

@Suite("TOMLReader: hostile input ends in an error, never a crash")
struct TOMLHostileInputTests {
    @Test("arrays nested far too deep")
    func deepArrays() throws {
        let text = "a = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(syntaxError(text))
        #expect(error.reason.contains("nested more than \(TOMLReader.maximumNestingDepth) deep"))
        #expect(error.line == 1)
    }

    @Test("inline tables nested far too deep")
    func deepInlineTables() throws {
        let text = "a = " + String(repeating: "{b=", count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        let error = try #require(syntaxError(text))
        #expect(error.reason.contains("nested more than"))
    }

    @Test("nesting up to the limit is fine")
    func nestingAtTheLimit() throws {
        let depth = TOMLReader.maximumNestingDepth
        let text = "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try TOMLReader.parse(text, fileName: "test.toml") }
    }

    @Test("dotted keys and headers with thousands of parts")
    func longKeys() throws {
        let parts = Array(repeating: "k", count: 10_000).joined(separator: ".")
        #expect(try #require(syntaxError(parts + " = 1")).reason.contains("at most \(TOMLReader.maximumKeyParts) parts"))
        #expect(try #require(syntaxError("[" + parts + "]")).reason.contains("at most"))
        #expect(try #require(syntaxError("[[" + parts + "]]")).reason.contains("at most"))
    }

    @Test("input over the size limit is refused before it is read")
    func hugeInput() throws {
        let text = "a = \"" + String(repeating: "x", count: TOMLReader.maximumInputSize) + "\""
        let error = try #require(syntaxError(text))
        #expect(error.line == nil)
        #expect(error.reason.contains("larger than"))
        #expect(error.description.count < 200)
    }

    @Test("a large string under the limit is read")
    func largeString() throws {
        let text = "a = \"" + String(repeating: "x", count: 500_000) + "\""
        #expect(try TOMLReader.parse(text, fileName: "test.toml")["a"]?.string?.count == 500_000)
    }

    @Test("invalid UTF-8 is refused with its line", arguments: [
        [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80],
    ] as [[UInt8]])
    func invalidUTF8(bad: [UInt8]) throws {
        let bytes = Array("a = 1\nb = \"".utf8) + bad + Array("\"\n".utf8)
        do {
            _ = try TOMLReader.parse(bytes: bytes, fileName: "test.toml")
            Issue.record("read without an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.reason.contains("not valid UTF-8"))
        }
    }

    @Test("NUL bytes and other control characters outside strings")
    func controlCharacters() throws {
        #expect(syntaxError("a = 1\n\u{0}") != nil)
        #expect(syntaxError("a\u{0} = 1") != nil)
        #expect(syntaxError("a = \"\u{0}\"") != nil)
        #expect(syntaxError("a = '\u{7F}'") != nil)
    }

    @Test("unterminated constructs at the very end of the input", arguments: [
        "a = \"", "a = '", "a = \"\"\"", "a = '''", "a = [", "a = {", "a = { b", "a = { b =", "[", "[[", "[a", "[[a]",
        "a = \"\\", "a = \"\\u", "a = \"\"\"x\\", "a", "a =", "a = 1.", "a = 1e", "\"", "a.", "a = 2026-",
    ])
    func truncated(text: String) throws {
        let error = try #require(syntaxError(text))
        #expect(error.line == 1)
    }

    @Test("every prefix of a real document reads or fails cleanly")
    func everyPrefix() throws {
        let document = Array("""
            [chargepoint]
            id = "CP-1" # comment
            list = [ { a = 1, b = "x\\t" }, 'y', 2026-01-01T00:00:00Z ]
            [[operators]]
            s = \"\"\"multi
            line\"\"\"
            """.utf8)
        for end in 0...document.count {
            // Cutting a multi-byte character in two is the only way to get invalid UTF-8
            // here, and the document is ASCII.
            _ = try? TOMLReader.parse(bytes: Array(document[..<end]), fileName: "test.toml")
        }
    }

    @Test("random bytes never crash the reader")
    func randomBytes() {
        var generator = SplitMix64(seed: 0xC4A2_6E91)
        let alphabet = Array("[]{}=\"'.,#\n\r\t \\abc019_-+:eExob".utf8)
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 64)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = try? TOMLReader.parse(bytes: bytes, fileName: "fuzz.toml")
        }
    }
}

/// A small deterministic generator, so that a failing input can be found again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
