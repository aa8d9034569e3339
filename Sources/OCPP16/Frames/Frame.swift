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
    public var payload: JSONObject

    public init(messageId: String, action: String, payload: JSONObject) {
        self.messageId = messageId
        self.action = action
        self.payload = payload
    }

    /// A call carrying a typed request.
    public init<R: OCPPRequest>(messageId: String, request: R) {
        self.messageId = messageId
        self.action = R.action.rawValue
        self.payload = PayloadCoding.encode(request).objectValue ?? JSONObject()
    }

    /// Reads the payload as the given request type.
    public func decode<R: OCPPRequest>(_ type: R.Type) throws(PayloadError) -> R {
        try PayloadCoding.decode(type, from: .object(payload))
    }
}

/// A confirmation: `[3, "<messageId>", {payload}]`. Which action it answers
/// is known only to whoever sent the call.
public struct CallResult: Sendable, Equatable {
    public var messageId: String
    public var payload: JSONObject

    public init(messageId: String, payload: JSONObject) {
        self.messageId = messageId
        self.payload = payload
    }

    public init<M: OCPPMessage>(messageId: String, response: M) {
        self.messageId = messageId
        self.payload = PayloadCoding.encode(response).objectValue ?? JSONObject()
    }

    public func decode<M: OCPPMessage>(_ type: M.Type) throws(PayloadError) -> M {
        try PayloadCoding.decode(type, from: .object(payload))
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
