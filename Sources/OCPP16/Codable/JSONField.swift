/// A value that reads itself out of a parsed JSON value and writes itself as
/// JSON text, with no `Decoder` or `Encoder` in between.
///
/// This is the path every frame takes. Each message spells out its members
/// once, in `init(json:)` and `write(to:)`; the generic readers below are
/// specialized per member type, so nothing is looked up at run time and
/// nothing is allocated beyond the values themselves.
///
/// Errors are raised where the value is wrong and gain their field path on
/// the way out (`meterValue[0].sampledValue[2].unit`), so a frame that is
/// fine pays nothing for paths.
public protocol JSONField {
    init(json: JSONView) throws(PayloadError)
    func write(to writer: inout JSONWriter)
}

extension JSONField {
    /// Reads a value built in memory rather than read from the wire.
    public init(json value: JSONValue) throws(PayloadError) {
        try self.init(json: JSONDocument(value).root)
    }
}

/// A payload type: a `JSONField` that also offers `Codable`, built on the
/// same two methods, for the agent's own stored records that embed it.
public protocol JSONCodable: JSONField, Codable, Sendable {}

extension JSONCodable {
    public init(from decoder: any Decoder) throws {
        let json = try JSONValue(from: decoder)
        do {
            try self.init(json: JSONDocument(json).root)
        } catch {
            throw error.prefixed(path: PayloadError.path(decoder.codingPath))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let direct = encoder as? PayloadEncoder {
            write(to: &direct.writer)
            return
        }
        var writer = JSONWriter()
        write(to: &writer)
        try JSONParser.parse(writer.bytes).encode(to: encoder)
    }
}

// MARK: - Errors

extension PayloadError {
    static func mismatch(_ expected: String, _ found: JSONView) -> PayloadError {
        PayloadError(code: .typeConstraintViolation, field: "", reason: "expected \(expected), found \(found.typeName)")
    }

    static func invalid(_ reason: String) -> PayloadError {
        PayloadError(code: .propertyConstraintViolation, field: "", reason: reason)
    }

    /// The same error, one member further out.
    func prefixed(key: String) -> PayloadError {
        prefixed(path: key)
    }

    /// The same error, one array element further out.
    func prefixed(index: Int) -> PayloadError {
        var copy = self
        copy.field = field.isEmpty || field.first == "[" ? "[\(index)]" + field : "[\(index)]." + field
        return copy
    }

    func prefixed(path: String) -> PayloadError {
        guard !path.isEmpty else { return self }
        var copy = self
        copy.field = field.isEmpty ? path : field.first == "[" ? path + field : path + "." + field
        return copy
    }
}

// MARK: - Objects

/// The members of one JSON object, read by name. Extra members are ignored
/// (vendors add them); a member present as null counts as absent.
struct JSONObjectReader {
    let object: JSONView

    init(_ json: JSONView) throws(PayloadError) {
        guard json.token.kind == .object else { throw .mismatch("an object", json) }
        object = json
    }

    /// A member that must be there.
    func required<T: JSONField>(_ key: StaticString) throws(PayloadError) -> T {
        guard let value = object.member(key) else {
            throw PayloadError(code: .occurenceConstraintViolation, field: "\(key)", reason: "required field is missing")
        }
        do {
            return try T(json: value)
        } catch {
            throw error.prefixed(key: "\(key)")
        }
    }

    /// A member that may be left out.
    func optional<T: JSONField>(_ key: StaticString) throws(PayloadError) -> T? {
        guard let value = object.member(key), !value.isNull else { return nil }
        do {
            return try T(json: value)
        } catch {
            throw error.prefixed(key: "\(key)")
        }
    }

    /// A number of seconds or of attempts: never below zero, whatever the
    /// schema's bare `integer` lets through, so that nothing downstream
    /// computes with a negative duration.
    func requiredCount(_ key: StaticString) throws(PayloadError) -> Int {
        let value: Int = try required(key)
        return try Self.nonNegative(value, key)
    }

    /// Like `requiredCount(_:)`, for a member that may be left out.
    func optionalCount(_ key: StaticString) throws(PayloadError) -> Int? {
        guard let value: Int = try optional(key) else { return nil }
        return try Self.nonNegative(value, key)
    }

    private static func nonNegative(_ value: Int, _ key: StaticString) throws(PayloadError) -> Int {
        guard value >= 0 else {
            throw PayloadError(code: .propertyConstraintViolation, field: "\(key)", reason: "must not be negative, found \(value)")
        }
        return value
    }
}

/// Writes the members of one JSON object in order; nil optionals are left
/// out, as OCPP schemas do not allow null.
struct JSONObjectWriter {
    var writer: JSONWriter
    var isEmpty = true

    init(writer: JSONWriter) { self.writer = writer }

    mutating func member<T: JSONField>(_ key: StaticString, _ value: T) {
        writer.writeMemberName(key, first: isEmpty)
        isEmpty = false
        value.write(to: &writer)
    }

    mutating func member<T: JSONField>(_ key: StaticString, _ value: T?) {
        if let value { member(key, value) }
    }
}

extension JSONWriter {
    /// Writes one object whose members `body` adds.
    mutating func object(_ body: (inout JSONObjectWriter) -> Void) {
        var members = JSONObjectWriter(writer: JSONWriter(reservingCapacity: 0))
        swap(&members.writer.bytes, &bytes)
        body(&members)
        members.writer.bytes.append(members.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: "}"))
        if members.isEmpty { members.writer.bytes.append(UInt8(ascii: "}")) }
        swap(&members.writer.bytes, &bytes)
    }
}

// MARK: - Scalars and arrays

extension String: JSONField {
    public init(json: JSONView) throws(PayloadError) {
        guard let text = json.stringValue else { throw .mismatch("a string", json) }
        self = text
    }

    public func write(to writer: inout JSONWriter) { writer.write(string: self) }
}

extension Bool: JSONField {
    public init(json: JSONView) throws(PayloadError) {
        switch json.token.kind {
        case .true: self = true
        case .false: self = false
        default: throw .mismatch("a boolean", json)
        }
    }

    public func write(to writer: inout JSONWriter) { writer.append(self ? "true" : "false") }
}

extension Int: JSONField {
    public init(json: JSONView) throws(PayloadError) {
        let token = json.token
        switch token.kind {
        case .integer:
            guard let narrow = Int(exactly: token.payload) else { throw .invalid("integer \(token.payload) out of range") }
            self = narrow
        case .double:
            let number = Double(bitPattern: UInt64(bitPattern: token.payload))
            // 5.0 is an integer written loosely; 5.5 is not an integer at all.
            guard number == number.rounded(.towardZero) else { throw .mismatch("an integer", json) }
            guard let exact = Int(exactly: number) else { throw .invalid("integer out of range") }
            self = exact
        default:
            throw .mismatch("an integer", json)
        }
    }

    public func write(to writer: inout JSONWriter) { writer.writeInteger(Int64(self)) }
}

extension Double: JSONField {
    public init(json: JSONView) throws(PayloadError) {
        let token = json.token
        switch token.kind {
        case .integer: self = Double(token.payload)
        case .double:
            let number = Double(bitPattern: UInt64(bitPattern: token.payload))
            guard number.isFinite else { throw .invalid("number out of range") }
            self = number
        default: throw .mismatch("a number", json)
        }
    }

    public func write(to writer: inout JSONWriter) { writer.writeDouble(self) }
}

extension JSONValue: JSONField {
    public init(json: JSONView) throws(PayloadError) { self = json.value }

    public func write(to writer: inout JSONWriter) { writer.write(self) }
}

extension Array: JSONField where Element: JSONField {
    public init(json: JSONView) throws(PayloadError) {
        let token = json.token
        guard token.kind == .array else { throw .mismatch("an array", json) }
        var elements: [Element] = []
        elements.reserveCapacity(Int(token.count))
        var child = json.index + 1
        for index in 0..<Int(token.count) {
            let element = JSONView(document: json.document, index: child)
            do {
                elements.append(try Element(json: element))
            } catch {
                throw error.prefixed(index: index)
            }
            child = element.end
        }
        self = elements
    }

    public func write(to writer: inout JSONWriter) {
        writer.bytes.append(UInt8(ascii: "["))
        for index in indices {
            if index > startIndex { writer.bytes.append(UInt8(ascii: ",")) }
            self[index].write(to: &writer)
        }
        writer.bytes.append(UInt8(ascii: "]"))
    }
}

/// The OCPP enumerations: read and written straight as their strings.
public protocol StringEnum: RawRepresentable<String>, JSONCodable {}

extension StringEnum {
    public init(json: JSONView) throws(PayloadError) {
        guard let text = json.stringValue else { throw .mismatch("a string", json) }
        guard let value = Self(rawValue: text) else { throw .invalid("not an allowed value: \(text.prefix(60))") }
        self = value
    }

    public func write(to writer: inout JSONWriter) { writer.write(string: rawValue) }
}
