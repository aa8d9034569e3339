import Testing

@testable import Configuration

@Suite("Passwords never appear in descriptions or error text")
struct RedactionTests {
    static let password = "S3cr3t-AuthKey-2024!x"

    @Test("a refused password is not quoted", arguments: [
        operatorBlock(profile: 0, "password = \"\(RedactionTests.password)\""),
        operatorBlock(profile: 2, "password = \"\(RedactionTests.password) with spaces\""),
        operatorBlock(profile: 2, "password = \"\(String(repeating: RedactionTests.password, count: 3))\""),
        operatorBlock(profile: 2, "password = \"\(RedactionTests.password)\u{7}\""),
        operatorBlock(profile: 2, "password = \"\(RedactionTests.password)\"", "password = \"\(RedactionTests.password)\""),
        operatorBlock(profile: 2, "password = \"\(RedactionTests.password)\\q\""),
        operatorBlock(profile: 2, "password = \(RedactionTests.password)"),
        operatorBlock(profile: 2, "password = '\(RedactionTests.password)"),
        operatorBlock(profile: 2, "password = \"\(RedactionTests.password)\" trailing"),
        operatorBlock(name: "Bad Name", url: "ftp://x", role: "boss", profile: 9, "password = \"\(RedactionTests.password)\""),
        operatorBlock(url: "wss://user:\(RedactionTests.password)@host/", profile: 2),
        "[ocpp]\nAuthorizationKey = \"\(RedactionTests.password)\"\n",
    ])
    func errorsDoNotQuotePasswords(section: String) throws {
        let error = try #require(configurationError(minimalConfiguration + section))
        let everything = [error.description, String(describing: error), String(reflecting: error)]
            + error.issues.map(\.reason) + error.issues.compactMap(\.keyPath)
        for text in everything {
            #expect(!text.contains("S3cr3t"), "\(text)")
        }
    }

    @Test("a loaded configuration prints without its passwords")
    func descriptions() throws {
        let configuration = try AgentConfiguration.parse(text: minimalConfiguration
            + operatorBlock(profile: 2, "password = \"\(Self.password)\""))
        #expect(configuration.operators.first?.password == Self.password)

        var dumped = ""
        dump(configuration, to: &dumped)
        var dumpedEntry = ""
        dump(configuration.operators[0], to: &dumpedEntry)
        let renderings = [
            configuration.description, String(describing: configuration), String(reflecting: configuration),
            "\(configuration.operators)", String(reflecting: configuration.operators[0]), dumped, dumpedEntry,
        ]
        for text in renderings {
            #expect(!text.contains("S3cr3t"), "\(text)")
        }
        #expect(configuration.operators[0].description.contains("password <redacted>"))
    }
}
