/// Serializes a `JSONValue` compactly: no insignificant whitespace, members in
/// their stored order, non-ASCII text written as UTF-8.
public struct JSONWriter {
    public var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.bytes
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: serialize(value), as: UTF8.self)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let number): writeInteger(number)
        case .double(let number): writeDouble(number)
        case .string(let text): write(string: text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(string: member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `{"key":` or `,"key":` in one append; keys are our own
    /// plain ASCII names and need no escaping.
    mutating func writeMemberName(_ key: StaticString, first: Bool) {
        let count = key.utf8CodeUnitCount
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 4) { text in
            text[0] = first ? UInt8(ascii: "{") : UInt8(ascii: ",")
            text[1] = UInt8(ascii: "\"")
            _ = UnsafeMutableBufferPointer(rebasing: text[2..<count + 2])
                .update(fromContentsOf: UnsafeBufferPointer(start: key.utf8Start, count: count))
            text[count + 2] = UInt8(ascii: "\"")
            text[count + 3] = UInt8(ascii: ":")
            bytes.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    public mutating func append(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func writeInteger(_ number: Int64) {
        // Digits are made least significant first, at the end of a small
        // buffer, and appended in one go.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { text in
            var rest = number.magnitude
            var start = 20
            repeat {
                start -= 1
                text[start] = UInt8(truncatingIfNeeded: 0x30 &+ rest % 10)
                rest /= 10
            } while rest > 0
            if number < 0 {
                start -= 1
                text[start] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<20]))
        }
    }

    mutating func writeDouble(_ number: Double) {
        guard number.isFinite else {
            // JSON has no spelling for NaN or infinity.
            append("null")
            return
        }
        bytes.append(contentsOf: number.description.utf8)
    }

    public mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Most text needs no escaping: copy runs of plain bytes in one go.
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    append("\\u00")
                    bytes.append(hexDigit(byte >> 4))
                    bytes.append(hexDigit(byte & 0xF))
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
