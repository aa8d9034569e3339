/// The longest a `BoundedString` may be, as a type, so that each field's
/// limit from the JSON schema is part of its declaration.
public protocol StringLengthLimit: Sendable {
    static var maximumLength: Int { get }
}

/// A string with a maximum length that, unlike a `CiString`, compares
/// exactly: certificates, CSRs, signatures, URLs, file names and the other
/// plain `string` fields with a `maxLength` of the security extension.
public struct BoundedString<Limit: StringLengthLimit>: JSONCodable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public static var maximumLength: Int { Limit.maximumLength }
    public let value: String

    /// Returns nil when `value` is longer than the limit.
    public init?(_ value: String) {
        // Counted in Unicode scalars, as the JSON schemas count characters.
        guard value.utf8.count <= Limit.maximumLength || value.unicodeScalars.count <= Limit.maximumLength else {
            return nil
        }
        self.value = value
    }

    /// Cuts `value` to the limit, for text we produce ourselves.
    public init(truncating value: String) {
        self.value = String(String.UnicodeScalarView(value.unicodeScalars.prefix(Limit.maximumLength)))
    }

    public init(stringLiteral value: String) {
        self.init(truncating: value)
    }

    public var description: String { value }

    public init(json: JSONView) throws(PayloadError) {
        guard let text = json.stringValue else { throw .mismatch("a string", json) }
        guard let checked = Self(text) else { throw .invalid("longer than \(Limit.maximumLength) characters") }
        self = checked
    }

    public func write(to writer: inout JSONWriter) {
        writer.write(string: value)
    }
}

/// The limits the security extension's schemas use.
public enum Length40: StringLengthLimit { public static var maximumLength: Int { 40 } }
public enum Length50: StringLengthLimit { public static var maximumLength: Int { 50 } }
public enum Length128: StringLengthLimit { public static var maximumLength: Int { 128 } }
public enum Length255: StringLengthLimit { public static var maximumLength: Int { 255 } }
public enum Length512: StringLengthLimit { public static var maximumLength: Int { 512 } }
public enum Length800: StringLengthLimit { public static var maximumLength: Int { 800 } }
public enum Length5500: StringLengthLimit { public static var maximumLength: Int { 5500 } }
public enum Length10000: StringLengthLimit { public static var maximumLength: Int { 10_000 } }

/// One PEM-encoded X.509 certificate, or a CSR (5500 characters at most).
public typealias PEMText = BoundedString<Length5500>
/// A URL the charger fetches from or uploads to (512 characters at most).
public typealias RemoteLocation = BoundedString<Length512>
