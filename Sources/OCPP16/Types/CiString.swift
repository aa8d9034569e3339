/// A case-insensitive string with a maximum length, as OCPP's CiStringNType.
///
/// Comparison ignores ASCII case (idTags "04a2b3" and "04A2B3" are one card);
/// the original spelling is kept for the wire.
public protocol CiString: JSONCodable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral, Comparable
{
    static var maximumLength: Int { get }
    var value: String { get }
    init(unchecked value: String)
}

extension CiString {
    /// Returns nil when `value` is longer than the type allows.
    public init?(_ value: String) {
        // Counted in Unicode scalars, as the JSON schemas count characters.
        guard value.utf8.count <= Self.maximumLength || value.unicodeScalars.count <= Self.maximumLength else {
            return nil
        }
        self.init(unchecked: value)
    }

    /// Cuts `value` to the maximum length, for text we produce ourselves.
    public init(truncating value: String) {
        self.init(unchecked: String(String.UnicodeScalarView(value.unicodeScalars.prefix(Self.maximumLength))))
    }

    public init(stringLiteral value: String) {
        self.init(truncating: value)
    }

    public var description: String { value }

    public init(json: JSONView) throws(PayloadError) {
        guard let text = json.stringValue else { throw .mismatch("a string", json) }
        guard let checked = Self(text) else { throw .invalid("longer than \(Self.maximumLength) characters") }
        self = checked
    }

    public func write(to writer: inout JSONWriter) {
        writer.write(string: value)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        let left = lhs.value.utf8
        let right = rhs.value.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { asciiLower($0) == asciiLower($1) }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.value.utf8.lazy.map(asciiLower).lexicographicallyPrecedes(rhs.value.utf8.lazy.map(asciiLower))
    }

    public func hash(into hasher: inout Hasher) {
        for byte in value.utf8 { hasher.combine(asciiLower(byte)) }
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}

/// CiString20Type: idTags, firmware versions, vendor ids of the short kind.
public struct CiString20: CiString {
    public static var maximumLength: Int { 20 }
    public let value: String
    public init(unchecked value: String) { self.value = value }
}

/// CiString25Type: serial numbers, ICCID, IMSI, meter types.
public struct CiString25: CiString {
    public static var maximumLength: Int { 25 }
    public let value: String
    public init(unchecked value: String) { self.value = value }
}

/// CiString50Type: keys, vendor error codes, message ids, status info.
public struct CiString50: CiString {
    public static var maximumLength: Int { 50 }
    public let value: String
    public init(unchecked value: String) { self.value = value }
}

/// CiString255Type: vendor ids, long info text.
public struct CiString255: CiString {
    public static var maximumLength: Int { 255 }
    public let value: String
    public init(unchecked value: String) { self.value = value }
}

/// CiString500Type: configuration values.
public struct CiString500: CiString {
    public static var maximumLength: Int { 500 }
    public let value: String
    public init(unchecked value: String) { self.value = value }
}

/// An idTag as presented by a card or a Central System.
public typealias IdToken = CiString20
