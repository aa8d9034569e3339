/// TOML integers (decimal with `_` separators, `0x`, `0o`, `0b`) and floats.
enum TOMLNumber {
    enum Outcome: Equatable {
        case integer(Int64)
        case float(Double)
        case invalid(String)
    }

    static func parse(_ token: ArraySlice<UInt8>) -> Outcome {
        let radixes: [(prefix: UInt8, radix: UInt64, isDigit: (UInt8) -> Bool)] = [
            (UInt8(ascii: "x"), 16, \.isHexDigit),
            (UInt8(ascii: "o"), 8, { (0x30...0x37).contains($0) }),
            (UInt8(ascii: "b"), 2, { $0 == 0x30 || $0 == 0x31 }),
        ]
        var rest = token
        let sign = rest.first
        if sign == .plus || sign == .minus { rest = rest.dropFirst() }
        for (prefix, radix, isDigit) in radixes where rest.count >= 2
            && rest.first == 0x30 && rest[rest.startIndex + 1] == prefix {
            guard sign != .plus && sign != .minus else {
                return .invalid("hexadecimal, octal and binary integers cannot have a sign")
            }
            let digits = rest.dropFirst(2)
            guard hasValidDigits(digits, isDigit) else {
                return .invalid("not a valid integer (digits may be separated by single '_' only)")
            }
            return integer(digits, radix: radix, negative: false)
        }

        let integerPart = rest.prefix { $0 != .dot && $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
        guard hasValidDigits(integerPart, \.isDecimalDigit) else {
            return .invalid("not a valid number (digits may be separated by single '_' only)")
        }
        guard integerPart.count == 1 || integerPart.first != 0x30 else {
            return .invalid("a number cannot start with a leading zero")
        }
        var tail = rest.dropFirst(integerPart.count)
        if tail.isEmpty { return integer(integerPart, radix: 10, negative: sign == .minus) }

        if tail.first == .dot {
            let fraction = tail.dropFirst().prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
            guard hasValidDigits(fraction, \.isDecimalDigit) else {
                return .invalid("not a valid float (a '.' needs digits on both sides)")
            }
            tail = tail.dropFirst(1 + fraction.count)
        }
        if let marker = tail.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            var exponent = tail.dropFirst()
            if exponent.first == .plus || exponent.first == .minus { exponent = exponent.dropFirst() }
            guard hasValidDigits(exponent, \.isDecimalDigit) else {
                return .invalid("not a valid float (an exponent needs digits)")
            }
            tail = tail.dropFirst(tail.count)
        }
        guard tail.isEmpty else { return .invalid("not a valid number") }
        let plain = String(decoding: token.filter { $0 != .underscore }, as: UTF8.self)
        guard let value = Double(plain) else { return .invalid("not a valid float") }
        return .float(value)
    }

    /// Digits with optional single underscores between them, never at either end.
    private static func hasValidDigits(_ digits: ArraySlice<UInt8>, _ isDigit: (UInt8) -> Bool) -> Bool {
        guard let first = digits.first, let last = digits.last, isDigit(first), isDigit(last) else { return false }
        var previousWasUnderscore = false
        for byte in digits {
            if byte == .underscore {
                if previousWasUnderscore { return false }
                previousWasUnderscore = true
            } else {
                guard isDigit(byte) else { return false }
                previousWasUnderscore = false
            }
        }
        return true
    }

    private static func integer(_ digits: ArraySlice<UInt8>, radix: UInt64, negative: Bool) -> Outcome {
        var magnitude: UInt64 = 0
        for byte in digits where byte != .underscore {
            let digit = UInt64(byte.isDecimalDigit ? byte - 0x30 : byte.hexDigitValue)
            let (shifted, overflow) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return .invalid("integer out of the 64-bit range") }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return .invalid("integer out of the 64-bit range") }
            return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return .invalid("integer out of the 64-bit range") }
        return .integer(Int64(magnitude))
    }
}
