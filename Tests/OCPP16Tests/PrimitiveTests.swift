import Testing

@testable import OCPP16

@Suite struct DateTimeTests {
    @Test(arguments: [
        ("2026-11-25T13:16:25Z", "2026-11-25T13:16:25.000Z"),
        ("2026-11-25T13:16:25.5Z", "2026-11-25T13:16:25.500Z"),
        ("2026-11-25T14:16:25.123456+01:00", "2026-11-25T13:16:25.123Z"),
        ("2026-11-25T08:16:25-0500", "2026-11-25T13:16:25.000Z"),
        ("2026-11-25T13:16:25", "2026-11-25T13:16:25.000Z"),
        ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000Z"),
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
    ])
    func readsOffsetsAndFractionsAndWritesUTC(_ input: String, _ expected: String) throws {
        let parsed = try #require(OCPPDateTime(rfc3339: input))
        #expect(parsed.description == expected)
    }

    @Test(arguments: ["", "2026-11-25", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-25T24:00:00Z",
                      "2026-11-25T13:16:25.Z", "2026-11-25T13:16:25Zjunk", "2026-11-25T13:16:25+25:00", "tomorrow"])
    func refusesWhatIsNotADateTime(_ input: String) {
        #expect(OCPPDateTime(rfc3339: input) == nil)
    }

    @Test func knowsTheEpoch() {
        #expect(OCPPDateTime(rfc3339: "1970-01-01T00:00:00Z")?.millisecondsSince1970 == 0)
        #expect(OCPPDateTime(millisecondsSince1970: 1_795_000_000_000).description == "2026-11-18T11:06:40.000Z")
    }
}

@Suite struct CiStringTests {
    @Test func comparesIgnoringCaseAndKeepsSpelling() {
        let card: IdToken = "04a2B3c4"
        #expect(card == IdToken("04A2B3C4"))
        #expect(card.value == "04a2B3c4")
        #expect(Set([card, "04A2B3C4"]).count == 1)
    }

    @Test func enforcesTheLengthInCharacters() {
        #expect(CiString20(String(repeating: "x", count: 20)) != nil)
        #expect(CiString20(String(repeating: "x", count: 21)) == nil)
        // Twenty characters, forty bytes: still fits.
        #expect(CiString20(String(repeating: "é", count: 20)) != nil)
        #expect(CiString20(truncating: String(repeating: "y", count: 30)).value.count == 20)
    }
}

@Suite struct ChargingRateTests {
    @Test func keepsOneDecimalExactly() throws {
        #expect(ChargingRate(6.3).description == "6.3")
        #expect(ChargingRate(16).description == "16")
        let period = try PayloadCoding.decode(ChargingSchedulePeriod.self, from: ["startPeriod": 0, "limit": 21.4])
        #expect(period.limit.tenths == 214)
        #expect(JSONWriter.string(PayloadCoding.encode(period)) == #"{"startPeriod":0,"limit":21.4}"#)
    }
}

@Suite struct JSONTests {
    @Test(arguments: [
        #"{"a":[1,-2,3.5,true,false,null,"x\"y\\z\n\u00e9\ud83d\ude00"]}"#,
        #"[]"#, #"{}"#, #""plain""#, "-0.5e3", "  [ 1 , 2 ]  ",
    ])
    func readsAndWritesValidDocuments(_ text: String) throws {
        let value = try JSONParser.parse(text)
        let again = try JSONParser.parse(JSONWriter.string(value))
        #expect(value == again)
    }

    @Test(arguments: ["", "[", "[1,]", "{\"a\"}", "01", "1.", "\"\\x\"", "\"\\ud800\"", "tru", "[1] 2", "\"a\u{01}\""])
    func refusesInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: Never.self) { try JSONParser.parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)) }
    }

    @Test func keepsBigIntegersApartFromDoubles() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .integer(.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(.min))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(JSONWriter.string(.double(.infinity)) == "null")
    }
}

@Suite struct TokenReaderTests {
    /// Plain decimals are read without going through a string; they must
    /// land on exactly the double that the standard library reads.
    @Test func readsDecimalsToTheNearestDouble() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0.1", "6.3", "-0.0", "0.30000000000000004", "123456789012345.6", "1.7976931348623157e308", "5e-324", "32.0"]
        for _ in 0..<2_000 {
            let whole = UInt64.random(in: 0...9_999_999, using: &generator)
            let fraction = UInt64.random(in: 0...99_999_999, using: &generator)
            let digits = Int.random(in: 1...8, using: &generator)
            let fractionText = String(String(fraction).prefix(digits))
            texts.append("\(Bool.random(using: &generator) ? "-" : "")\(whole).\(fractionText)")
        }
        for text in texts {
            guard case .double(let read) = try JSONParser.parse(text) else {
                Issue.record("\(text) was not read as a double")
                continue
            }
            #expect(read.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    @Test func escapedMemberNamesAndRepeatedMembersAreRead() throws {
        let frame = try Frame.parse(#"[2,"1","Reset",{"type":"Hard","\u0074ype":"Soft"}]"#)
        guard case .call(let call) = frame else {
            Issue.record("not a CALL")
            return
        }
        // The last of two equal names wins, however the name was spelled.
        let reset = try #require(try call.validatedRequest(receivedBy: .chargePoint) as? ResetRequest)
        #expect(reset.type == .soft)
    }

    @Test func stringsWithEscapesReachTypedFields() throws {
        let frame = try Frame.parse(#"[2,"1","DataTransfer",{"vendorId":"com.\u0061cme","data":"line\none \"quoted\" \u00e9"}]"#)
        guard case .call(let call) = frame else {
            Issue.record("not a CALL")
            return
        }
        let request = try #require(try call.validatedRequest(receivedBy: .chargePoint) as? DataTransferRequest)
        #expect(request.vendorId.value == "com.acme")
        #expect(request.data == "line\none \"quoted\" é")
    }

    @Test func theTreeOfAParsedPayloadMatchesTheText() throws {
        let text = #"[2,"9","DataTransfer",{"vendorId":"x","data":"{}","extra":{"list":[1,2.5,-3,true,null,"s",[],{}]}}]"#
        guard case .call(let call) = try Frame.parse(text) else {
            Issue.record("not a CALL")
            return
        }
        #expect(call.payload["extra"] == ["list": [1, 2.5, -3, true, nil, "s", [], [:]]])
        #expect(Frame.call(call).text == text)
    }
}
