/// One value of a parsed document, in document order. A container's token
/// is followed by its members (key, value, key, value…) or elements and
/// knows where they end, so a reader can skip it whole.
struct JSONToken {
    enum Kind: UInt8 {
        case null, `true`, `false`, integer, double, string, escapedString, array, object
    }

    /// Integer: the value. Double: its bit pattern. String: its first byte
    /// in the input. Escaped string: its index in `strings`. Container: the
    /// index of the first token after it.
    var payload: Int64
    /// String: its length in bytes. Container: its number of members or
    /// elements.
    var count: UInt32
    var kind: Kind

    init(kind: Kind, payload: Int64 = 0, count: UInt32 = 0) {
        self.kind = kind
        self.payload = payload
        self.count = count
    }
}

/// A parsed JSON document: the input bytes and one flat list of tokens.
///
/// Reading a frame allocates the token list and nothing per value; strings
/// become `String`s only when a typed reader asks for them. Documents are
/// immutable once read, so they are shared freely.
public final class JSONDocument: Sendable {
    let source: [UInt8]
    let tokens: [JSONToken]
    /// Strings with escapes, decoded once while reading.
    let strings: [String]

    public init(parsing bytes: [UInt8], maximumDepth: Int = JSONParser.defaultMaximumDepth) throws(JSONParseError) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in
                var tokenizer = JSONTokenizer(bytes: buffer, maximumDepth: maximumDepth)
                try tokenizer.readDocument()
                return (tokenizer.tokens, tokenizer.strings)
            }
        }
        (tokens, strings) = try result.get()
        source = bytes
    }

    /// A document holding `value`, for reading a value built in memory the
    /// same way as one read from the wire.
    public convenience init(_ value: JSONValue) {
        // Our own writer's output always reads back.
        try! self.init(parsing: JSONWriter.serialize(value), maximumDepth: .max)
    }

    public var root: JSONView { JSONView(document: self, index: 0) }
}

/// One value inside a `JSONDocument`.
public struct JSONView: Sendable {
    let document: JSONDocument
    let index: Int

    var token: JSONToken { document.tokens[index] }

    /// The index of the first token after this value.
    var end: Int {
        let token = token
        switch token.kind {
        case .array, .object: return Int(token.payload)
        default: return index + 1
        }
    }

    public var typeName: String {
        switch token.kind {
        case .null: "null"
        case .true, .false: "boolean"
        case .integer, .double: "number"
        case .string, .escapedString: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var isNull: Bool { token.kind == .null }

    public var stringValue: String? {
        let token = token
        switch token.kind {
        case .string:
            return document.source.withUnsafeBufferPointer { bytes in
                String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(token.payload)..<Int(token.payload) + Int(token.count)]), as: UTF8.self)
            }
        case .escapedString:
            return document.strings[Int(token.payload)]
        default:
            return nil
        }
    }

    /// Calls `body` with the UTF-8 bytes of a string value; nil for
    /// anything that is not a string.
    func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let token = token
        switch token.kind {
        case .string:
            return document.source.withUnsafeBufferPointer { bytes in
                body(UnsafeBufferPointer(rebasing: bytes[Int(token.payload)..<Int(token.payload) + Int(token.count)]))
            }
        case .escapedString:
            var text = document.strings[Int(token.payload)]
            return text.withUTF8 { body($0) }
        default:
            return nil
        }
    }

    /// The elements of an array, or the members' values of an object.
    var children: [JSONView] {
        var views: [JSONView] = []
        var child = index + 1
        let kind = token.kind
        for _ in 0..<token.count {
            if kind == .object { child += 1 }
            let view = JSONView(document: document, index: child)
            views.append(view)
            child = view.end
        }
        return views
    }

    /// The value of member `key` of an object; when a key repeats, the
    /// last one wins, as with most JSON readers.
    func member(_ key: StaticString) -> JSONView? {
        let count = Int(token.count)
        let wanted = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        return document.source.withUnsafeBufferPointer { bytes -> JSONView? in
            var found: JSONView?
            var keyIndex = index + 1
            for _ in 0..<count {
                let value = JSONView(document: document, index: keyIndex + 1)
                if matches(document.tokens[keyIndex], wanted, in: bytes) { found = value }
                keyIndex = value.end
            }
            return found
        }
    }

    private func matches(_ keyToken: JSONToken, _ wanted: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch keyToken.kind {
        case .string:
            guard Int(keyToken.count) == wanted.count else { return false }
            let start = Int(keyToken.payload)
            for offset in 0..<wanted.count where bytes[start + offset] != wanted[offset] { return false }
            return true
        case .escapedString:
            return document.strings[Int(keyToken.payload)].utf8.elementsEqual(wanted)
        default:
            return false
        }
    }

    /// The value as a tree.
    public var value: JSONValue {
        let token = token
        switch token.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .integer: return .integer(token.payload)
        case .double: return .double(Double(bitPattern: UInt64(bitPattern: token.payload)))
        case .string, .escapedString: return .string(stringValue ?? "")
        case .array: return .array(children.map(\.value))
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(Int(token.count))
            var keyIndex = index + 1
            for _ in 0..<token.count {
                let key = JSONView(document: document, index: keyIndex)
                let value = JSONView(document: document, index: keyIndex + 1)
                members.append((key.stringValue ?? "", value.value))
                keyIndex = value.end
            }
            return .object(JSONObject(members))
        }
    }
}
