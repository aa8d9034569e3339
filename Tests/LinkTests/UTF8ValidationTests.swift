import Testing

@testable import Link

/// Text messages must be UTF-8 (RFC 6455 section 8.1): the check agrees
/// with the standard library's on every kind of malformation.
@Suite struct UTF8ValidationTests {
    static func valid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { UTF8Validation.isValid($0) }
    }

    @Test(arguments: [
        ("ASCII", Array(#"[2,"a","Heartbeat",{}]"#.utf8), true),
        ("two, three and four bytes", Array("é€😀".utf8), true),
        ("the largest scalar", [0xF4, 0x8F, 0xBF, 0xBF], true),
        ("a lone continuation byte", [0x80], false),
        ("an overlong slash", [0xC0, 0xAF], false),
        ("an overlong three-byte form", [0xE0, 0x80, 0xAF], false),
        ("an overlong four-byte form", [0xF0, 0x80, 0x80, 0xAF], false),
        ("a surrogate", [0xED, 0xA0, 0x80], false),
        ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80], false),
        ("a byte never used", [0xFF], false),
        ("a sequence cut short", [0x61, 0xE2, 0x82], false),
        ("a bad third byte", [0xE2, 0x82, 0x28], false),
    ] as [(String, [UInt8], Bool)])
    func knownCases(name: String, bytes: [UInt8], expected: Bool) {
        #expect(Self.valid(bytes) == expected, "\(name)")
    }

    @Test func aBadByteIsFoundWhereverItSitsInALongASCIIRun() {
        for position in 0..<40 {
            var bytes = Array(repeating: UInt8(ascii: "x"), count: 40)
            bytes[position] = 0xC3
            #expect(!Self.valid(bytes), "at \(position)")
            if position < 39 {
                bytes[position + 1] = 0xA9  // é
                #expect(Self.valid(bytes), "é at \(position)")
            }
        }
    }

    /// Every sequence of up to four bytes drawn from the bytes that matter
    /// (ASCII, continuation bytes, every kind of lead byte, bytes never used).
    @Test func agreesWithTheStandardLibraryOnEveryShortSequence() {
        let alphabet: [UInt8] = [0x41, 0x80, 0x8F, 0x90, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5]
        var sequences: [[UInt8]] = [[]]
        var disagreements: [[UInt8]] = []
        for _ in 1...4 {
            sequences = sequences.flatMap { prefix in alphabet.map { prefix + [$0] } }
            for bytes in sequences where Self.valid(bytes) != (String(validating: bytes, as: UTF8.self) != nil) {
                disagreements.append(bytes)
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
