import Testing

@testable import Board

/// Frames as a reader sends them: one pulse per bit, 2 ms apart, made-up
/// kernel timestamps in ns.
private func pulses(_ bits: String, from start: UInt64 = 1_000_000_000, every interval: UInt64 = 2_000_000)
    -> [(bit: Bool, time: UInt64)] {
    bits.enumerated().map { index, character in (character == "1", start + UInt64(index) * interval) }
}

/// Feeds a frame and polls once its gap has passed.
private func decode(_ bits: String, _ configuration: WiegandDecoder.Configuration = .init()) -> WiegandDecoder.Outcome? {
    var decoder = WiegandDecoder(configuration)
    var outcome: WiegandDecoder.Outcome?
    for pulse in pulses(bits) { outcome = decoder.pulse(pulse.bit, at: pulse.time) ?? outcome }
    guard let deadline = decoder.deadline else { return outcome }
    #expect(decoder.poll(now: deadline - 1) == nil)
    return decoder.poll(now: deadline) ?? outcome
}

private func idTag(_ outcome: WiegandDecoder.Outcome?) -> String? {
    if case .card(let card)? = outcome { return card.idTag }
    return nil
}

@Suite struct WiegandDecoderTests {
    // Facility 18, card 4660: data bits 0x121234.
    static let card26 = "10001001000010010001101001"
    // Data bits 0x04A1B2C3: facility 1185, card 45763.
    static let card34 = "0000001001010000110110010110000111"

    @Test func reads26BitFramesInEveryFormat() {
        #expect(idTag(decode(Self.card26, .init(idTagFormat: .hex))) == "121234")
        #expect(idTag(decode(Self.card26, .init(idTagFormat: .decimal))) == "1184308")
        #expect(idTag(decode(Self.card26, .init(idTagFormat: .facilityCard))) == "18:4660")
    }

    @Test func reads34BitFramesInEveryFormat() {
        #expect(idTag(decode(Self.card34, .init(idTagFormat: .hex))) == "04A1B2C3")
        #expect(idTag(decode(Self.card34, .init(idTagFormat: .decimal))) == "77705923")
        #expect(idTag(decode(Self.card34, .init(idTagFormat: .facilityCard))) == "1185:45763")
    }

    @Test func paddingKeepsLeadingZeros() {
        // Data all zeros: even parity 0, odd parity 1.
        #expect(idTag(decode("00000000000000000000000001")) == "000000")
        #expect(idTag(decode("01111111111111111111111111")) == "FFFFFF")
    }

    @Test func rawFramesAreTakenWhole() {
        let raw = "10100101" + "11110000" + "00001111" + "10101010"
        let configuration = WiegandDecoder.Configuration(frameBits: [26, 32], idTagFormat: .hex)
        #expect(idTag(decode(raw, configuration)) == "A5F00FAA")
        #expect(idTag(decode(raw, .init(frameBits: [32], idTagFormat: .decimal))) == "2783973290")
    }

    @Test(arguments: [0, 1, 12, 13, 25])
    func aFlippedBitFailsParity(position: Int) {
        var bits = Array(Self.card26)
        bits[position] = bits[position] == "1" ? "0" : "1"
        #expect(decode(String(bits)) == .rejected(.parity(bits: 26)))
    }

    @Test func aFlippedBitFailsParityIn34BitFrames() {
        var bits = Array(Self.card34)
        bits[20] = bits[20] == "1" ? "0" : "1"
        #expect(decode(String(bits)) == .rejected(.parity(bits: 34)))
    }

    @Test func wrongBitCountsAreRejected() {
        #expect(decode(String(Self.card26.dropLast())) == .rejected(.bitCount(25)))
        #expect(decode(Self.card26 + "1") == .rejected(.bitCount(27)))
        #expect(decode(Self.card34, .init(frameBits: [26])) == .rejected(.bitCount(34)))
        #expect(decode(String(repeating: "1", count: 200)) == .rejected(.bitCount(65)))
    }

    @Test func aPauseInsideTheFrameRejectsIt() {
        var decoder = WiegandDecoder(.init())
        var frame = pulses(Self.card26)
        for index in 13..<frame.count { frame[index].time += 12_000_000 }
        for pulse in frame { #expect(decoder.pulse(pulse.bit, at: pulse.time) == nil) }
        let outcome = decoder.poll(now: frame[25].time + 25_000_000)
        #expect(outcome == .rejected(.gapInFrame(bits: 26, gap: 14_000_000)))
    }

    @Test func aPauseLongerThanTheFrameGapSplitsTwoFrames() {
        var decoder = WiegandDecoder(.init())
        let first = pulses(Self.card26)
        let second = pulses(Self.card34, from: first[25].time + 40_000_000)
        var outcomes: [WiegandDecoder.Outcome] = []
        for pulse in first + second {
            if let outcome = decoder.pulse(pulse.bit, at: pulse.time) { outcomes.append(outcome) }
        }
        if let outcome = decoder.poll(now: second[33].time + 25_000_000) { outcomes.append(outcome) }
        #expect(outcomes.map(idTag) == ["121234", "04A1B2C3"])
    }

    @Test func pulsesReadOutOfOrderAreSortedByTimestamp() {
        var decoder = WiegandDecoder(.init())
        let frame = pulses(Self.card26)
        // D0 and D1 are separate kernel queues: all of one line, then the other.
        for pulse in frame.filter({ $0.bit }) + frame.filter({ !$0.bit }) {
            #expect(decoder.pulse(pulse.bit, at: pulse.time) == nil)
        }
        let outcome = decoder.poll(now: frame[25].time + 25_000_000)
        #expect(outcome == .card(.init(idTag: "121234", bits: 26, lastPulse: frame[25].time)))
    }

    @Test func nothingHappensBeforeThePulsesOrBeforeTheGap() {
        var decoder = WiegandDecoder(.init())
        #expect(decoder.deadline == nil)
        #expect(decoder.poll(now: .max) == nil)
        _ = decoder.pulse(true, at: 5_000_000)
        #expect(decoder.deadline == 30_000_000)
        #expect(decoder.poll(now: 29_999_999) == nil)
        #expect(decoder.poll(now: 30_000_000) == .rejected(.bitCount(1)))
        #expect(decoder.deadline == nil)
    }

    @Test func facilityCardNeedsAParityFrame() {
        #expect(WiegandDecoder.idTag(Array(repeating: true, count: 32), format: .facilityCard) == nil)
    }
}
