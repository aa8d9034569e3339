import Testing

@testable import OCPP16

/// Thousands of mutated frames: the decoder never crashes, never accepts
/// garbage silently, and every refusal carries an OCPP-J error code; where
/// the frame's id is readable the answer is a well-formed CALLERROR.
@Suite struct RobustnessTests {
    static let seeds: [String] = [
        #"[2,"m1","RemoteStartTransaction",{"connectorId":1,"idTag":"04A2B3C4","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.0}]}}}]"#,
        #"[2,"m2","ChangeConfiguration",{"key":"HeartbeatInterval","value":"300"}]"#,
        #"[2,"m3","SendLocalList",{"listVersion":2,"updateType":"Full","localAuthorizationList":[{"idTag":"A1","idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z"}}]}]"#,
        #"[2,"m4","ReserveNow",{"connectorId":1,"expiryDate":"2026-11-25T20:00:00.000Z","idTag":"CARD","reservationId":5}]"#,
        #"[2,"m5","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":2}]"#,
        #"[2,"m6","DataTransfer",{"vendorId":"com.chargeplex","messageId":"SetOperators","data":"{\"version\":3}"}]"#,
        #"[3,"m7",{"idTagInfo":{"status":"Accepted"},"transactionId":17}]"#,
        #"[4,"m8","NotSupported","nope",{}]"#,
        #"[2,"m9","MeterValues",{"connectorId":1,"transactionId":3,"meterValue":[{"timestamp":"2026-11-25T10:00:00Z","sampledValue":[{"value":"12.5","measurand":"Energy.Active.Import.Register","unit":"kWh"}]}]}]"#,
        #"[2,"m10","SignedUpdateFirmware",{"retries":2,"requestId":7,"firmware":{"location":"https://fw.example/f.bin","retrieveDateTime":"2026-12-01T00:00:00Z","signingCertificate":"-----BEGIN CERTIFICATE-----","signature":"c2ln"}}]"#,
        #"[2,"m11","SecurityEventNotification",{"type":"StartupOfTheDevice","timestamp":"2026-12-01T00:00:00Z","techInfo":"cold start"}]"#,
    ]

    enum Outcome {
        case accepted
        case refused(FrameError)
    }

    static func judge(_ bytes: [UInt8]) -> Outcome {
        do {
            let frame = try Frame.parse(bytes)
            if case .call(let call) = frame {
                // A charge point receives some of these and a Central System the others.
                if OCPPAction(rawValue: call.action)?.isSentByChargePoint == true {
                    _ = try call.validatedRequest(receivedBy: .centralSystem)
                } else {
                    _ = try call.validatedRequest(receivedBy: .chargePoint)
                }
            }
            return .accepted
        } catch {
            return .refused(error)
        }
    }

    @Test func mutatedFramesAlwaysGetAnOCPPAnswer() throws {
        var random = SplitMix64(seed: 0x0C99_16)
        var refusedCount = 0
        var answeredCount = 0
        var codes = Set<OCPPErrorCode>()
        for round in 0..<5000 {
            let seed = Array(Self.seeds[round % Self.seeds.count].utf8)
            let mutated = Mutator.mutate(seed, round: round, random: &random)
            switch Self.judge(mutated) {
            case .accepted:
                break
            case .refused(let error):
                refusedCount += 1
                codes.insert(error.code)
                #expect(!error.reason.isEmpty)
                if let reply = error.reply {
                    answeredCount += 1
                    // The answer itself must be a frame the other side can read.
                    let echoed = try Frame.parse(Frame.callError(reply).serialized())
                    guard case .callError(let parsed) = echoed else {
                        Issue.record("reply is not a CALLERROR: \(echoed)")
                        continue
                    }
                    #expect(parsed.errorCode == error.code)
                    #expect(parsed.messageId == error.messageId)
                }
            }
        }
        // The mutations must actually exercise the refusals, or this test proves nothing.
        #expect(refusedCount > 2500)
        #expect(answeredCount > 500)
        #expect(codes.isSuperset(of: [.formationViolation, .typeConstraintViolation, .propertyConstraintViolation, .notImplemented]))
    }

    @Test func hugeAndHostileInputsAreRefusedCleanly() {
        let megabyte = String(repeating: "A", count: 1 << 20)
        let cases: [(String, OCPPErrorCode)] = [
            (#"[2,"x","RemoteStartTransaction",{"idTag":"\#(megabyte)"}]"#, .propertyConstraintViolation),
            (#"[2,"x","RemoteStopTransaction",{"transactionId":1e400}]"#, .propertyConstraintViolation),
            (#"[2,"x","RemoteStopTransaction",{"transactionId":-99999999999999999999999}]"#, .propertyConstraintViolation),
            (#"[2,"x","Reset",\#(String(repeating: "[", count: 50_000))]"#, .formationViolation),
            (#"[2,"\#(megabyte)","Reset",{"type":"Soft"}]"#, .formationViolation),
        ]
        for (text, code) in cases {
            guard case .refused(let error) = Self.judge(Array(text.utf8)) else {
                Issue.record("accepted \(text.prefix(80))")
                continue
            }
            #expect(error.code == code, "\(text.prefix(80)): \(error)")
        }
    }
}

/// A small, seedable generator so that every run mutates the same way.
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

enum Mutator {
    static let replacements: [String] = [
        "1e400", "-99999999999999999999999", "1.5", "\"12\"", "true", "null", "[]", "{}", "\"\"",
        "\"\u{00e9}\u{1F600}\"", "0", "-1", "\"Gentle\"", "\"2026-02-30T00:00:00Z\"", "{\"a\":[[[[1]]]]}",
    ]

    static func mutate(_ seed: [UInt8], round: Int, random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        switch round % 8 {
        case 0:  // truncate
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
        case 1:  // overwrite a byte, often with one that is never valid UTF-8
            let index = Int.random(in: 0..<bytes.count, using: &random)
            bytes[index] = [0xFF, 0xC0, 0x80, 0x00, 0x22, 0x5C, 0x7B, 0x5D].randomElement(using: &random)!
        case 2:  // insert noise
            let index = Int.random(in: 0...bytes.count, using: &random)
            let noise = (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.insert(contentsOf: noise, at: index)
        case 3:  // delete a range
            let start = Int.random(in: 0..<bytes.count, using: &random)
            let end = min(bytes.count, start + Int.random(in: 1...12, using: &random))
            bytes.removeSubrange(start..<end)
        case 4, 5:  // replace one JSON value with a value of another type or range
            bytes = replaceValue(in: bytes, random: &random)
        case 6:  // nest the payload deeply
            let depth = Int.random(in: 10...200, using: &random)
            let text = String(decoding: bytes, as: UTF8.self)
            if let brace = text.firstIndex(of: "{") {
                let payloadStart = text.distance(from: text.startIndex, to: brace)
                var out = Array(bytes[..<payloadStart])
                out += Array(repeating: UInt8(ascii: "["), count: depth)
                out += bytes[payloadStart..<(bytes.count - 1)]
                out += Array(repeating: UInt8(ascii: "]"), count: depth)
                out.append(UInt8(ascii: "]"))
                bytes = out
            }
        default:  // swap two bytes
            let a = Int.random(in: 0..<bytes.count, using: &random)
            let b = Int.random(in: 0..<bytes.count, using: &random)
            bytes.swapAt(a, b)
        }
        return bytes
    }

    /// Replaces the value after a randomly chosen ':' in the payload.
    static func replaceValue(in bytes: [UInt8], random: inout SplitMix64) -> [UInt8] {
        let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
        guard let colon = colons.randomElement(using: &random) else { return bytes }
        var end = colon + 1
        var depth = 0
        var inString = false
        while end < bytes.count {
            let byte = bytes[end]
            if inString {
                if byte == UInt8(ascii: "\\") { end += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                if depth == 0 { break }
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                break
            }
            end += 1
        }
        let replacement = Array(replacements.randomElement(using: &random)!.utf8)
        return Array(bytes[...colon]) + replacement + Array(bytes[min(end, bytes.count)...])
    }
}
