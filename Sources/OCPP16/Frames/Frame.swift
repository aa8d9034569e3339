/// An OCPP-J message: `[2, id, action, payload]`, `[3, id, payload]` or
/// `[4, id, errorCode, errorDescription, errorDetails]`.
public enum Frame: Sendable, Equatable {
    case call(Call)
    case callResult(CallResult)
    case callError(CallError)

    public var messageId: String {
        switch self {
        case .call(let call): call.messageId
        case .callResult(let result): result.messageId
        case .callError(let error): error.messageId
        }
    }

    /// The longest message id OCPP-J allows.
    public static let maximumMessageIdLength = 36
}

/// A request: `[2, "<messageId>", "<action>", {payload}]`.
public struct Call: Sendable, Equatable {
    public var messageId: String
    public var action: String
    var body: PayloadBody

    public var payload: JSONObject {
        get { body.object }
        set { body = .tree(newValue) }
    }

    public init(messageId: String, action: String, payload: JSONObject) {
        self.init(messageId: messageId, action: action, body: .tree(payload))
    }

    init(messageId: String, action: String, body: PayloadBody) {
        self.messageId = messageId
        self.action = action
        self.body = body
    }

    /// A call carrying a typed request.
    public init<R: OCPPRequest>(messageId: String, request: R) {
        self.init(messageId: messageId, action: R.action.rawValue, body: PayloadBody(request))
    }

    /// Reads the payload as the given request type.
    public func decode<R: OCPPRequest>(_ type: R.Type) throws(PayloadError) -> R {
        try body.decode(type)
    }

    public static func == (lhs: Call, rhs: Call) -> Bool {
        lhs.messageId == rhs.messageId && lhs.action == rhs.action && lhs.payload == rhs.payload
    }
}

/// A payload as it arrived (read into tokens only), as a typed message
/// wrote it, or as built in memory. Typed readers work on the tokens; a
/// written payload goes out as it is; the tree is built only on demand.
enum PayloadBody: Sendable {
    case parsed(JSONView)
    case written([UInt8])
    case tree(JSONObject)

    init<M: JSONField>(_ message: M) {
        // Most payloads fit; a SetChargingProfile of 24 periods grows it twice.
        var writer = JSONWriter(reservingCapacity: 512)
        message.write(to: &writer)
        self = .written(writer.bytes)
    }

    var object: JSONObject {
        switch self {
        case .parsed(let view): view.value.objectValue ?? JSONObject()
        // Our own writer's output always reads back.
        case .written(let bytes): (try? JSONParser.parse(bytes))?.objectValue ?? JSONObject()
        case .tree(let object): object
        }
    }

    func decode<M: JSONField>(_ type: M.Type) throws(PayloadError) -> M {
        switch self {
        case .parsed(let view): return try M(json: view)
        case .written(let bytes):
            guard let document = try? JSONDocument(parsing: bytes, maximumDepth: .max) else {
                throw PayloadError(code: .formationViolation, field: "", reason: "unreadable payload")
            }
            return try M(json: document.root)
        case .tree(let object): return try M(json: JSONValue.object(object))
        }
    }

    /// The payload's text when a message wrote it.
    var written: [UInt8]? {
        if case .written(let bytes) = self { bytes } else { nil }
    }

    func write(to writer: inout JSONWriter) {
        switch self {
        case .parsed(let view): writer.write(view.value)
        case .written(let bytes): writer.bytes.append(contentsOf: bytes)
        case .tree(let object): writer.write(.object(object))
        }
    }
}

/// A confirmation: `[3, "<messageId>", {payload}]`. Which action it answers
/// is known only to whoever sent the call.
public struct CallResult: Sendable, Equatable {
    public var messageId: String
    var body: PayloadBody

    public var payload: JSONObject {
        get { body.object }
        set { body = .tree(newValue) }
    }

    public init(messageId: String, payload: JSONObject) {
        self.init(messageId: messageId, body: .tree(payload))
    }

    init(messageId: String, body: PayloadBody) {
        self.messageId = messageId
        self.body = body
    }

    public init<M: OCPPMessage>(messageId: String, response: M) {
        self.init(messageId: messageId, body: PayloadBody(response))
    }

    public func decode<M: OCPPMessage>(_ type: M.Type) throws(PayloadError) -> M {
        try body.decode(type)
    }

    public static func == (lhs: CallResult, rhs: CallResult) -> Bool {
        lhs.messageId == rhs.messageId && lhs.payload == rhs.payload
    }
}

/// An error answer: `[4, "<messageId>", "<errorCode>", "<description>", {details}]`.
public struct CallError: Error, Sendable, Equatable {
    public var messageId: String
    public var errorCode: OCPPErrorCode
    public var errorDescription: String
    public var errorDetails: JSONObject

    public init(messageId: String, errorCode: OCPPErrorCode, errorDescription: String = "", errorDetails: JSONObject = JSONObject()) {
        self.messageId = messageId
        self.errorCode = errorCode
        self.errorDescription = errorDescription
        self.errorDetails = errorDetails
    }

    /// The answer to a call whose payload was wrong.
    public init(messageId: String, payloadError: PayloadError) {
        var details = JSONObject()
        if !payloadError.field.isEmpty { details["field"] = .string(payloadError.field) }
        self.init(
            messageId: messageId, errorCode: payloadError.code, errorDescription: payloadError.description,
            errorDetails: details)
    }
}
