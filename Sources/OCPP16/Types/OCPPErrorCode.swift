/// The error codes of an OCPP-J 1.6 CALLERROR, spelled as the 1.6 JSON
/// specification spells them (including its "Occurence").
public enum OCPPErrorCode: String, Sendable, Codable, CaseIterable {
    /// The requested action is not known by the receiver.
    case notImplemented = "NotImplemented"
    /// The requested action is recognized but not supported by the receiver.
    case notSupported = "NotSupported"
    /// An internal error occurred and the receiver could not process the action.
    case internalError = "InternalError"
    /// The payload for the action is incomplete.
    case protocolError = "ProtocolError"
    /// A security issue prevented the receiver from completing the action.
    case securityError = "SecurityError"
    /// The payload is syntactically incorrect or does not fit the PDU structure.
    case formationViolation = "FormationViolation"
    /// The payload is syntactically correct but a field has an invalid value.
    case propertyConstraintViolation = "PropertyConstraintViolation"
    /// The payload breaks an occurrence constraint (a required field is missing).
    case occurenceConstraintViolation = "OccurenceConstraintViolation"
    /// The payload breaks a data type constraint ("somestring": 12).
    case typeConstraintViolation = "TypeConstraintViolation"
    /// Any other error.
    case genericError = "GenericError"
}

/// Why a payload could not be read as the message it claims to be, with the
/// CALLERROR code that answers it and the path of the offending field.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: OCPPErrorCode
    /// Dotted path of the field, e.g. `meterValue[0].sampledValue[2].unit`.
    public var field: String
    public var reason: String

    public init(code: OCPPErrorCode, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String {
        field.isEmpty ? reason : "\(field): \(reason)"
    }

    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(
                code: .occurenceConstraintViolation,
                field: Self.path(context.codingPath + [key]), reason: "required field is missing")
        case .typeMismatch(_, let context):
            self.init(code: .typeConstraintViolation, field: Self.path(context.codingPath), reason: context.debugDescription)
        case .valueNotFound(_, let context):
            self.init(code: .typeConstraintViolation, field: Self.path(context.codingPath), reason: context.debugDescription)
        case .dataCorrupted(let context):
            self.init(
                code: .propertyConstraintViolation, field: Self.path(context.codingPath),
                reason: Self.plain(context.debugDescription))
        @unknown default:
            self.init(code: .formationViolation, field: "", reason: "unreadable payload")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += key.stringValue
            }
        }
        return text
    }

    /// Swift's own message for an unknown enum value names Swift types;
    /// the other side of the wire wants to hear about its value.
    static func plain(_ message: String) -> String {
        let marker = "from invalid String value "
        guard message.hasPrefix("Cannot initialize") else { return message }
        var rest = Substring(message)
        while !rest.isEmpty {
            if rest.hasPrefix(marker) { return "not an allowed value: " + rest.dropFirst(marker.count) }
            rest = rest.dropFirst()
        }
        return message
    }
}

/// Reads and writes typed payloads.
public enum PayloadCoding {
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(PayloadError) -> T {
        do {
            return try ScalarReader.decode(type, value, FieldPath.root)
        } catch let error as DecodingError {
            throw PayloadError(error)
        } catch let error as PayloadError {
            throw error
        } catch {
            throw PayloadError(code: .formationViolation, field: "", reason: "\(error)")
        }
    }

    /// Reads a payload type straight from its JSON value.
    public static func decode<T: JSONCodable>(_ type: T.Type, from value: JSONValue) throws(PayloadError) -> T {
        try T(json: value)
    }

    /// The value as a JSON document.
    public static func encode<T: Encodable>(_ value: T) -> JSONValue {
        (try? JSONParser.parse(encodedBytes(value))) ?? .object(JSONObject())
    }

    /// The value as JSON text, written directly without an intermediate
    /// document: the path every outgoing message takes.
    public static func encodedBytes<T: Encodable>(_ value: T) -> [UInt8] {
        var writer = JSONWriter()
        append(value, to: &writer)
        return writer.bytes
    }

    public static func encodedBytes<T: JSONCodable>(_ value: T) -> [UInt8] {
        var writer = JSONWriter()
        value.write(to: &writer)
        return writer.bytes
    }

    public static func append<T: JSONCodable>(_ value: T, to writer: inout JSONWriter) {
        value.write(to: &writer)
    }

    /// Appends the value's JSON text to `writer`.
    public static func append<T: Encodable>(_ value: T, to writer: inout JSONWriter) {
        let encoder = PayloadEncoder()
        swap(&encoder.writer, &writer)
        defer { swap(&encoder.writer, &writer) }
        do {
            try encoder.encodeValue(value)
        } catch {
            // Our own types never throw while encoding; a foreign type that
            // does leaves an empty payload rather than half a document.
            encoder.writer.append("{}")
        }
    }
}
