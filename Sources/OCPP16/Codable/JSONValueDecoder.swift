/// A `Decoder` that reads typed messages out of a `JSONValue`.
///
/// It is strict about types (a string is never read as a number) and
/// tolerant about extra members, which vendors add and the agent ignores.
/// Failures are `DecodingError`s; `PayloadError` maps them to OCPP-J codes.
///
/// Each nested decoder links to its parent, so the coding path costs
/// nothing until an error asks for it.
final class JSONValueDecoder: Decoder {
    let value: JSONValue
    private let parent: JSONValueDecoder?
    private let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue) {
        self.value = value
        self.parent = nil
        self.key = nil
    }

    init(value: JSONValue, at path: FieldPath) {
        self.value = value
        self.parent = path.owner
        self.key = path.key
    }

    var codingPath: [any CodingKey] {
        var keys = parent?.codingPath ?? []
        if let key { keys.append(key) }
        return keys
    }

    func child(_ key: any CodingKey) -> FieldPath { FieldPath(owner: self, key: key) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw DecodingError.typeMismatch(
                JSONObject.self, .init(codingPath: codingPath, debugDescription: "expected an object, found \(value.typeName)"))
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw DecodingError.typeMismatch(
                [JSONValue].self, .init(codingPath: codingPath, debugDescription: "expected an array, found \(value.typeName)"))
        }
        return UnkeyedContainer(elements: elements, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self)
    }
}

/// Where a field sits: its container's decoder and its key.
struct FieldPath {
    let owner: JSONValueDecoder?
    let key: (any CodingKey)?

    static var root: FieldPath { FieldPath(owner: nil, key: nil) }

    var keys: [any CodingKey] {
        var keys = owner?.codingPath ?? []
        if let key { keys.append(key) }
        return keys
    }
}

/// The conversions from a JSON value to Swift scalars, shared by every
/// container kind so that each rule is written once.
enum ScalarReader {
    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: FieldPath) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path.keys, debugDescription: "expected \(name(of: type)), found \(value.typeName)"))
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Double.Type, is Float.Type: "a number"
        default: "an integer"
        }
    }

    static func string(_ value: JSONValue, _ path: FieldPath) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, value, path) }
        return text
    }

    static func bool(_ value: JSONValue, _ path: FieldPath) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, value, path) }
        return flag
    }

    static func double(_ value: JSONValue, _ path: FieldPath) throws -> Double {
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number):
            guard number.isFinite else {
                throw DecodingError.dataCorrupted(.init(codingPath: path.keys, debugDescription: "number out of range"))
            }
            return number
        default: throw mismatch(Double.self, value, path)
        }
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: JSONValue, _ path: FieldPath) throws -> T {
        let wide: Int64
        switch value {
        case .integer(let number):
            wide = number
        case .double(let number):
            // 5.0 is an integer written loosely; 5.5 is not an integer at all.
            guard number == number.rounded(.towardZero) else { throw mismatch(T.self, value, path) }
            guard let exact = Int64(exactly: number) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path.keys, debugDescription: "integer out of range"))
            }
            wide = exact
        default:
            throw mismatch(T.self, value, path)
        }
        guard let narrow = T(exactly: wide) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys, debugDescription: "integer \(wide) out of range"))
        }
        return narrow
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: FieldPath) throws -> T {
        // Scalars first, without building a nested decoder.
        if T.self == String.self { return try string(value, path) as! T }
        if T.self == Int.self { return try integer(Int.self, value, path) as! T }
        if T.self == Bool.self { return try bool(value, path) as! T }
        if T.self == Double.self { return try double(value, path) as! T }
        if T.self == JSONValue.self { return value as! T }
        return try T(from: JSONValueDecoder(value: value, at: path))
    }
}

struct JSONCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let decoder: JSONValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    func value(for key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "required field '\(key.stringValue)' is missing"))
        }
        return value
    }

    func present(_ key: Key) -> JSONValue? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        // A member that is present as null counts as absent for optionals.
        present(key) == nil
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try ScalarReader.string(value(for: key), decoder.child(key))
    }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try ScalarReader.bool(value(for: key), decoder.child(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try ScalarReader.double(value(for: key), decoder.child(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try ScalarReader.integer(Int.self, value(for: key), decoder.child(key))
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try ScalarReader.decode(type, value(for: key), decoder.child(key))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try present(key).map { try ScalarReader.decode(type, $0, decoder.child(key)) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { try ScalarReader.string($0, decoder.child(key)) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { try ScalarReader.integer(Int.self, $0, decoder.child(key)) }
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { try ScalarReader.bool($0, decoder.child(key)) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try JSONValueDecoder(value: value(for: key), at: decoder.child(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONValueDecoder(value: value(for: key), at: decoder.child(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONValueDecoder(value: object[key.stringValue] ?? .null, at: decoder.child(key))
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let decoder: JSONValueDecoder
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }

    init(elements: [JSONValue], decoder: JSONValueDecoder) {
        self.elements = elements
        self.decoder = decoder
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func next() throws -> (JSONValue, FieldPath) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self, .init(codingPath: codingPath, debugDescription: "array has too few elements"))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], decoder.child(JSONCodingKey(intValue: currentIndex)))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try ScalarReader.decode(type, value, path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (value, path) = try next()
        return try JSONValueDecoder(value: value, at: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try JSONValueDecoder(value: value, at: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return JSONValueDecoder(value: value, at: path)
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    // Only a reference, so that the existential holds it without a box.
    let decoder: JSONValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var value: JSONValue { decoder.value }
    private var here: FieldPath { FieldPath(owner: decoder, key: nil) }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: String.Type) throws -> String { try ScalarReader.string(value, here) }
    func decode(_ type: Bool.Type) throws -> Bool { try ScalarReader.bool(value, here) }
    func decode(_ type: Double.Type) throws -> Double { try ScalarReader.double(value, here) }
    func decode(_ type: Float.Type) throws -> Float { Float(try ScalarReader.double(value, here)) }
    func decode(_ type: Int.Type) throws -> Int { try ScalarReader.integer(Int.self, value, here) }
    func decode(_ type: Int8.Type) throws -> Int8 { try ScalarReader.integer(Int8.self, value, here) }
    func decode(_ type: Int16.Type) throws -> Int16 { try ScalarReader.integer(Int16.self, value, here) }
    func decode(_ type: Int32.Type) throws -> Int32 { try ScalarReader.integer(Int32.self, value, here) }
    func decode(_ type: Int64.Type) throws -> Int64 { try ScalarReader.integer(Int64.self, value, here) }
    func decode(_ type: UInt.Type) throws -> UInt { try ScalarReader.integer(UInt.self, value, here) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try ScalarReader.integer(UInt8.self, value, here) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try ScalarReader.integer(UInt16.self, value, here) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try ScalarReader.integer(UInt32.self, value, here) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try ScalarReader.integer(UInt64.self, value, here) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try ScalarReader.decode(type, value, here) }
}
