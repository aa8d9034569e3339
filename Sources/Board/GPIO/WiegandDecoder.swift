/// Turns the pulses of a Wiegand reader into idTags.
///
/// A reader sends each bit as a short low pulse on D0 (a 0) or D1 (a 1),
/// about a millisecond apart, and then goes quiet. The decoder gathers
/// pulses by their kernel timestamps and decides when the line has been
/// quiet for `frameGap`; only then is the frame checked. Anything doubtful
/// (bad parity, a length not configured, a pause inside the frame that is
/// longer than `bitGap`) is rejected: a misread card must never become
/// somebody else's idTag.
struct WiegandDecoder {
    struct Configuration: Equatable {
        var frameBits: [Int] = [26, 34]
        var idTagFormat: IdTagFormat = .hex
        var frameGap: UInt64 = 25_000_000
        var bitGap: UInt64 = 10_000_000
    }

    enum Outcome: Equatable {
        case card(Card)
        case rejected(Rejection)
    }

    struct Card: Equatable {
        var idTag: String
        var bits: Int
        /// Timestamp of the last pulse: the moment the frame was complete.
        var lastPulse: UInt64
    }

    enum Rejection: Equatable, CustomStringConvertible {
        case parity(bits: Int)
        case bitCount(Int)
        /// The longest pause between two bits, in ns.
        case gapInFrame(bits: Int, gap: UInt64)

        var description: String {
            switch self {
            case .parity(let bits): "\(bits)-bit frame with bad parity"
            case .bitCount(let bits): "frame of \(bits) bits, a length this reader is not set up for"
            case .gapInFrame(let bits, let gap):
                "\(bits)-bit frame with a \(gap / 1000) µs pause inside it"
            }
        }
    }

    /// Layouts with parity: leading even parity over the first half of the
    /// data, trailing odd parity over the second half. The first
    /// `facilityBits` data bits are the facility code, the rest the card.
    static let parityFrames: [Int: (facilityBits: Int, cardBits: Int)] = [
        26: (8, 16),
        34: (16, 16),
    ]

    /// More pulses than any configured frame: noise, not a card.
    private static let maximumPulses = 64

    let configuration: Configuration
    private var pulses: [(time: UInt64, bit: Bool)] = []
    private var latest: UInt64 = 0

    init(_ configuration: Configuration) {
        self.configuration = configuration
        pulses.reserveCapacity(Self.maximumPulses + 1)
    }

    /// When the frame being gathered ends if no pulse follows.
    var deadline: UInt64? { pulses.isEmpty ? nil : latest &+ configuration.frameGap }

    /// Records one pulse. If it comes after a frame's gap had already passed
    /// (nobody polled in time), that earlier frame is finished first.
    mutating func pulse(_ bit: Bool, at time: UInt64) -> Outcome? {
        var finished: Outcome?
        if let deadline, time >= deadline { finished = finishFrame() }
        if pulses.count <= Self.maximumPulses { pulses.append((time, bit)) }
        latest = max(latest, time)
        return finished
    }

    /// Finishes the frame if the line has been quiet long enough by `now`.
    mutating func poll(now: UInt64) -> Outcome? {
        guard let deadline, now >= deadline else { return nil }
        return finishFrame()
    }

    private mutating func finishFrame() -> Outcome {
        // The two data lines are separate kernel queues, so their pulses may
        // be read out of order; the timestamps put them back.
        let frame = pulses.sorted { $0.time < $1.time }
        pulses.removeAll(keepingCapacity: true)
        let bits = frame.map(\.bit)
        guard bits.count <= Self.maximumPulses, configuration.frameBits.contains(bits.count) else {
            return .rejected(.bitCount(bits.count))
        }
        let longestGap = zip(frame.dropFirst(), frame).map { $0.time - $1.time }.max() ?? 0
        if longestGap > configuration.bitGap {
            return .rejected(.gapInFrame(bits: bits.count, gap: longestGap))
        }
        guard let idTag = Self.idTag(bits, format: configuration.idTagFormat) else {
            return .rejected(.parity(bits: bits.count))
        }
        return .card(Card(idTag: idTag, bits: bits.count, lastPulse: frame.last?.time ?? 0))
    }

    /// The idTag for a complete frame, or nil when its parity is wrong (or
    /// the format asks for a facility code a raw frame does not have).
    static func idTag(_ bits: [Bool], format: IdTagFormat) -> String? {
        guard let layout = parityFrames[bits.count] else {
            // A raw frame: every bit is data and there is nothing to check.
            return render(value(bits[...]), dataBits: bits.count, facility: nil, format: format)
        }
        let data = bits[1..<(bits.count - 1)]
        let half = data.count / 2
        let firstHalfOnes = data.prefix(half).filter { $0 }.count
        let secondHalfOnes = data.suffix(data.count - half).filter { $0 }.count
        let evenOK = (firstHalfOnes + (bits[0] ? 1 : 0)) % 2 == 0
        let oddOK = (secondHalfOnes + (bits[bits.count - 1] ? 1 : 0)) % 2 == 1
        guard evenOK, oddOK else { return nil }
        let facility = value(data.prefix(layout.facilityBits))
        let card = value(data.suffix(layout.cardBits))
        return render(value(data), dataBits: data.count, facility: (facility, card), format: format)
    }

    private static func render(
        _ value: UInt64, dataBits: Int, facility: (code: UInt64, card: UInt64)?, format: IdTagFormat
    ) -> String? {
        switch format {
        case .decimal:
            return String(value)
        case .hex:
            let digits = String(value, radix: 16, uppercase: true)
            let width = (dataBits + 3) / 4
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        case .facilityCard:
            guard let facility else { return nil }
            return "\(facility.code):\(facility.card)"
        }
    }

    private static func value(_ bits: ArraySlice<Bool>) -> UInt64 {
        bits.reduce(0) { ($0 << 1) | ($1 ? 1 : 0) }
    }
}
