/// An instant as OCPP carries it: an RFC 3339 date-time in UTC.
///
/// Held as milliseconds since 1970-01-01T00:00:00Z. Reads offsets and any
/// number of fractional digits; writes UTC with milliseconds and `Z`.
public struct OCPPDateTime: JSONCodable, Hashable, Comparable, CustomStringConvertible {
    public var millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public init(secondsSince1970: Int64) {
        self.millisecondsSince1970 = Self.milliseconds(ofSeconds: secondsSince1970)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// The instant `seconds` later (earlier when negative). Seconds may come
    /// from the wire: beyond what 64 bits of milliseconds hold, the result
    /// stays at the end of time instead of overflowing.
    public func adding(seconds: Int64) -> OCPPDateTime {
        let (sum, overflow) = millisecondsSince1970.addingReportingOverflow(Self.milliseconds(ofSeconds: seconds))
        return OCPPDateTime(millisecondsSince1970: overflow ? (seconds < 0 ? .min : .max) : sum)
    }

    static func milliseconds(ofSeconds seconds: Int64) -> Int64 {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? (seconds < 0 ? .min : .max) : product
    }

    public init(json: JSONView) throws(PayloadError) {
        // Read straight from the frame's bytes, without a String.
        guard let parsed = json.withStringBytes({ Self.parse($0) }) else { throw .mismatch("a string", json) }
        guard let parsed else {
            throw .invalid("not an RFC 3339 date-time: \((json.stringValue ?? "").prefix(40))")
        }
        millisecondsSince1970 = parsed
    }

    public func write(to writer: inout JSONWriter) {
        writer.bytes.append(UInt8(ascii: "\""))
        write(to: &writer.bytes)
        writer.bytes.append(UInt8(ascii: "\""))
    }

    /// Parses `2026-11-25T13:16:25Z`, `2026-11-25T14:16:25.123456+01:00` and
    /// the like. A date-time without an offset is taken as UTC.
    public init?(rfc3339 text: String) {
        var text = text
        let parsed: Int64? = text.withUTF8 { Self.parse($0) }
        guard let parsed else { return nil }
        millisecondsSince1970 = parsed
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var position = 0
        func digits(_ count: Int) -> Int? {
            guard bytes.count - position >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[position]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                position += 1
            }
            return value
        }
        func take(_ ascii: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == ascii else { return false }
            position += 1
            return true
        }
        guard let year = digits(4), take(0x2D), let month = digits(2), take(0x2D), let day = digits(2) else {
            return nil
        }
        guard position < bytes.count, [0x54, 0x74, 0x20].contains(bytes[position]) else { return nil }
        position += 1
        guard let hour = digits(2), take(0x3A), let minute = digits(2), take(0x3A), var second = digits(2) else {
            return nil
        }
        var millisecond = 0
        if take(0x2E) {
            var scale = 100
            var count = 0
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                millisecond += Int(bytes[position] - 0x30) * scale
                scale /= 10
                position += 1
                count += 1
            }
            guard count > 0 else { return nil }
        }
        var offsetMinutes = 0
        if position < bytes.count {
            let sign = bytes[position]
            position += 1
            switch sign {
            case 0x5A, 0x7A: break  // Z
            case 0x2B, 0x2D:  // + -
                guard let offsetHour = digits(2) else { return nil }
                _ = take(0x3A)
                guard let offsetMinute = digits(2), offsetHour < 24, offsetMinute < 60 else { return nil }
                offsetMinutes = (offsetHour * 60 + offsetMinute) * (sign == 0x2D ? -1 : 1)
            default:
                return nil
            }
        }
        guard position == bytes.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        second = min(second, 59)  // a leap second lands on the last ordinary one
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millisecond)
    }

    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    func write(to bytes: inout [UInt8]) {
        let milliseconds = Int(((millisecondsSince1970 % 1000) + 1000) % 1000)
        // Floor division without a subtraction that could overflow at Int64.min.
        let seconds = millisecondsSince1970 / 1000 - (millisecondsSince1970 % 1000 < 0 ? 1 : 0)
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(days)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            func put(_ value: Int, at offset: Int, width: Int) {
                var rest = value
                for position in (offset..<offset + width).reversed() {
                    text[position] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 0, width: 4)
            text[4] = 0x2D
            put(month, at: 5, width: 2)
            text[7] = 0x2D
            put(day, at: 8, width: 2)
            text[10] = 0x54
            put(secondOfDay / 3600, at: 11, width: 2)
            text[13] = 0x3A
            put(secondOfDay / 60 % 60, at: 14, width: 2)
            text[16] = 0x3A
            put(secondOfDay % 60, at: 17, width: 2)
            text[19] = 0x2E
            put(milliseconds, at: 20, width: 3)
            text[23] = 0x5A
            bytes.append(contentsOf: UnsafeBufferPointer(text))
        }
    }
}

func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, by counting
/// 400-year eras that start on March 1st (so the leap day ends a year).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let monthFromMarch = (month + 9) % 12
    let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The inverse of `daysFromCivil`.
func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthFromMarch = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}
