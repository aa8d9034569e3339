/// RFC 3339 date-times, as OCPP expects them in an idTag's expiry.
///
/// Only checked and normalised, never converted to a calendar type: the value is handed on
/// to OCPP as text, and the stdlib has no calendar arithmetic to offer anyway.
enum RFC3339 {
    /// The canonical spelling (`T` and `Z` in upper case) of a full date-time with an offset,
    /// or `nil` when the text is not one.
    static func normalized(_ text: some Collection<UInt8>) -> String? {
        var bytes = Array(text)
        guard bytes.count >= 20, isFullDate(bytes[0..<10]) else { return nil }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), .space].contains(bytes[10]) else { return nil }
        guard bytes[13] == .colon, bytes[16] == .colon,
            let hour = number(bytes[11..<13]), hour <= 23,
            let minute = number(bytes[14..<16]), minute <= 59,
            let second = number(bytes[17..<19]), second <= 60
        else { return nil }
        var index = 19
        if bytes[index] == .dot {
            index += 1
            let digitsStart = index
            while index < bytes.count, bytes[index].isDecimalDigit { index += 1 }
            guard index > digitsStart, index < bytes.count else { return nil }
        }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
            bytes[index] = UInt8(ascii: "Z")
        case .plus, .minus:
            guard index + 6 == bytes.count, bytes[index + 3] == .colon,
                let offsetHour = number(bytes[index + 1..<index + 3]), offsetHour <= 23,
                let offsetMinute = number(bytes[index + 4..<index + 6]), offsetMinute <= 59
            else { return nil }
        default:
            return nil
        }
        bytes[10] = UInt8(ascii: "T")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the text starts like a date (`2026-`) or a time (`23:`); such a bare value is
    /// reported as a date-time problem rather than as a bad number.
    static func looksLikeDateOrTime(_ text: some Collection<UInt8>) -> Bool {
        let head = Array(text.prefix(5))
        if head.count == 5, head[0..<4].allSatisfy(\.isDecimalDigit), head[4] == .minus { return true }
        return head.count >= 3 && head[0].isDecimalDigit && head[1].isDecimalDigit && head[2] == .colon
    }

    /// `YYYY-MM-DD` naming a day that exists.
    static func isFullDate(_ text: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(text)
        guard bytes.count == 10, bytes[4] == .minus, bytes[7] == .minus,
            let year = number(bytes[0..<4]),
            let month = number(bytes[5..<7]), (1...12).contains(month),
            let day = number(bytes[8..<10])
        else { return false }
        return day >= 1 && day <= daysIn(month: month, year: year)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard digits.allSatisfy(\.isDecimalDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
