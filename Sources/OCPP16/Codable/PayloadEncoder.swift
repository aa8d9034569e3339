/// An `Encoder` that writes typed messages straight out as JSON bytes.
///
/// Members are written in coding-key order as they are encoded; nil
/// optionals are left out (OCPP schemas do not allow null). Containers are
/// closed when the value that opened them is done, or when an enclosing
/// container writes its next member, so nested containers work as long as
/// they are filled in order, which is how Codable uses them.
final class PayloadEncoder: Encoder {
    var writer: JSONWriter
    /// The open containers, innermost last, and whether each has a member yet.
    private var open: [(isObject: Bool, hasMembers: Bool)] = []

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(capacity: Int = 512) {
        writer = JSONWriter(reservingCapacity: capacity)
        open.reserveCapacity(8)
    }

    /// Writes any value. Scalars arrive through the containers' concrete
    /// overloads, enums through `StringEnum`'s own encoding, so no dynamic
    /// cast is needed here.
    func encodeValue<T: Encodable>(_ value: T) throws {
        let depth = open.count
        let start = writer.bytes.count
        try value.encode(to: self)
        close(deeperThan: depth)
        if writer.bytes.count == start {
            // A value that asked for no container at all: an empty payload.
            writer.append("{}")
        }
    }

    /// Closes every container opened after the first `depth` ones.
    func close(deeperThan depth: Int) {
        while open.count > depth {
            let container = open.removeLast()
            writer.bytes.append(container.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    /// Opens a container and returns its depth.
    func openContainer(isObject: Bool) -> Int {
        writer.bytes.append(isObject ? UInt8(ascii: "{") : UInt8(ascii: "["))
        open.append((isObject, false))
        return open.count
    }

    /// Prepares the container at `depth` for its next member.
    func beginMember(at depth: Int) {
        close(deeperThan: depth)
        guard depth > 0, depth <= open.count else { return }
        if open[depth - 1].hasMembers { writer.bytes.append(UInt8(ascii: ",")) }
        open[depth - 1].hasMembers = true
    }

    func beginMember(at depth: Int, key: String) {
        beginMember(at: depth)
        writer.write(string: key)
        writer.bytes.append(UInt8(ascii: ":"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, depth: openContainer(isObject: true)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(encoder: self, depth: openContainer(isObject: false))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: PayloadEncoder
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        encoder.beginMember(at: depth, key: key.stringValue)
        encoder.writer.write(.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        encoder.beginMember(at: depth, key: key.stringValue)
        try encoder.encodeValue(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        encoder.beginMember(at: depth, key: key.stringValue)
        encoder.writer.write(string: value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        encoder.beginMember(at: depth, key: key.stringValue)
        encoder.writer.writeInteger(Int64(value))
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        encoder.beginMember(at: depth, key: key.stringValue)
        encoder.writer.write(.bool(value))
    }

    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.beginMember(at: depth, key: key.stringValue)
        return encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.beginMember(at: depth, key: key.stringValue)
        return encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.beginMember(at: depth, key: "super")
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.beginMember(at: depth, key: key.stringValue)
        return encoder
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: PayloadEncoder
    let depth: Int
    var count = 0
    var codingPath: [any CodingKey] { [] }

    init(encoder: PayloadEncoder, depth: Int) {
        self.encoder = encoder
        self.depth = depth
    }

    mutating func encodeNil() throws {
        encoder.beginMember(at: depth)
        encoder.writer.write(.null)
        count += 1
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.beginMember(at: depth)
        try encoder.encodeValue(value)
        count += 1
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.beginMember(at: depth)
        count += 1
        return encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.beginMember(at: depth)
        count += 1
        return encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.beginMember(at: depth)
        count += 1
        return encoder
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: PayloadEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.writer.write(.null) }
    mutating func encode(_ value: Bool) throws { encoder.writer.write(.bool(value)) }
    mutating func encode(_ value: String) throws { encoder.writer.write(string: value) }
    mutating func encode(_ value: Double) throws { encoder.writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { encoder.writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int) throws { encoder.writer.writeInteger(Int64(value)) }
    mutating func encode(_ value: Int8) throws { encoder.writer.writeInteger(Int64(value)) }
    mutating func encode(_ value: Int16) throws { encoder.writer.writeInteger(Int64(value)) }
    mutating func encode(_ value: Int32) throws { encoder.writer.writeInteger(Int64(value)) }
    mutating func encode(_ value: Int64) throws { encoder.writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { encoder.writer.writeInteger(Int64(clamping: value)) }
    mutating func encode(_ value: UInt8) throws { encoder.writer.writeInteger(Int64(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.writer.writeInteger(Int64(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.writer.writeInteger(Int64(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.writer.writeInteger(Int64(clamping: value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}
