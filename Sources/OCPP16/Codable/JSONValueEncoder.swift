/// An `Encoder` that turns typed messages into a `JSONValue`.
///
/// Optional fields that are nil are left out (OCPP schemas do not allow
/// null), and object members keep the order of the type's coding keys.
final class JSONValueEncoder: Encoder {
    let storage: EncodingBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey] = [], storage: EncodingBox = EncodingBox()) {
        self.codingPath = codingPath
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        storage.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(box: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        storage.becomeArray()
        return UnkeyedContainer(box: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(box: storage, codingPath: codingPath)
    }

    /// Encodes one value on its own, for nested members.
    static func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> JSONValue {
        switch value {
        case let text as String: return .string(text)
        case let number as Int: return .integer(Int64(number))
        case let flag as Bool: return .bool(flag)
        case let number as Double: return .double(number)
        case let json as JSONValue: return json
        default:
            let encoder = JSONValueEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            return encoder.storage.resolve()
        }
    }
}

/// What an encoder has written so far. Nested containers handed out by
/// `nestedContainer` write into boxes of their own, resolved at the end.
final class EncodingBox {
    enum Slot {
        case value(JSONValue)
        case box(EncodingBox)
    }

    enum Content {
        case empty
        case single(JSONValue)
        case object([(String, Slot)])
        case array([Slot])
    }

    var content: Content = .empty

    func set(_ value: JSONValue) { content = .single(value) }

    func becomeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func append(key: String, _ slot: Slot) {
        guard case .object(var members) = content else { return }
        content = .empty  // keep the array uniquely referenced while appending
        members.append((key, slot))
        content = .object(members)
    }

    func append(_ slot: Slot) {
        guard case .array(var elements) = content else { return }
        content = .empty
        elements.append(slot)
        content = .array(elements)
    }

    var count: Int {
        switch content {
        case .array(let elements): elements.count
        case .object(let members): members.count
        default: 0
        }
    }

    func resolve() -> JSONValue {
        switch content {
        case .empty: return .object(JSONObject())
        case .single(let value): return value
        case .object(let members):
            return .object(JSONObject(members.map { (key: $0.0, value: Self.resolve($0.1)) }))
        case .array(let elements):
            return .array(elements.map(Self.resolve))
        }
    }

    private static func resolve(_ slot: Slot) -> JSONValue {
        switch slot {
        case .value(let value): value
        case .box(let box): box.resolve()
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        box.append(key: key.stringValue, .value(.null))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.append(key: key.stringValue, .value(try JSONValueEncoder.encode(value, codingPath: codingPath + [key])))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = EncodingBox()
        box.append(key: key.stringValue, .box(child))
        return JSONValueEncoder(codingPath: codingPath + [key], storage: child).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingBox()
        box.append(key: key.stringValue, .box(child))
        return JSONValueEncoder(codingPath: codingPath + [key], storage: child).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONValueEncoder(codingPath: codingPath, storage: box)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingBox()
        box.append(key: key.stringValue, .box(child))
        return JSONValueEncoder(codingPath: codingPath + [key], storage: child)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: EncodingBox
    let codingPath: [any CodingKey]
    var count: Int { box.count }

    private var nextPath: [any CodingKey] { codingPath + [JSONCodingKey(intValue: count)] }

    mutating func encodeNil() throws { box.append(.value(.null)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.append(.value(try JSONValueEncoder.encode(value, codingPath: nextPath)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = EncodingBox()
        let path = nextPath
        box.append(.box(child))
        return JSONValueEncoder(codingPath: path, storage: child).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingBox()
        let path = nextPath
        box.append(.box(child))
        return JSONValueEncoder(codingPath: path, storage: child).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingBox()
        let path = nextPath
        box.append(.box(child))
        return JSONValueEncoder(codingPath: path, storage: child)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.set(.null) }
    mutating func encode(_ value: Bool) throws { box.set(.bool(value)) }
    mutating func encode(_ value: String) throws { box.set(.string(value)) }
    mutating func encode(_ value: Double) throws { box.set(.double(value)) }
    mutating func encode(_ value: Float) throws { box.set(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { box.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { box.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { box.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { box.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { box.set(.integer(value)) }
    mutating func encode(_ value: UInt) throws { box.set(.integer(Int64(clamping: value))) }
    mutating func encode(_ value: UInt8) throws { box.set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { box.set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { box.set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { box.set(.integer(Int64(clamping: value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        box.set(try JSONValueEncoder.encode(value, codingPath: codingPath))
    }
}
