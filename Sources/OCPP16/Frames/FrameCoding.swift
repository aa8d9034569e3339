/// Why an incoming frame cannot be used, and what to answer.
///
/// When `messageId` is nil the frame's id could not be read (or it was not a
/// CALL) and nothing may be answered: the frame is logged and dropped.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    public var messageId: String?
    public var code: OCPPErrorCode
    public var reason: String

    public init(messageId: String?, code: OCPPErrorCode, reason: String) {
        self.messageId = messageId
        self.code = code
        self.reason = reason
    }

    /// The CALLERROR to send back, if one is due.
    public var reply: CallError? {
        messageId.map { CallError(messageId: $0, errorCode: code, errorDescription: reason) }
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}

extension Frame {
    /// Reads one OCPP-J frame from the text of a WebSocket message.
    public static func parse(_ bytes: [UInt8]) throws(FrameError) -> Frame {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: bytes)
        } catch {
            throw FrameError(messageId: nil, code: .formationViolation, reason: error.description)
        }
        return try parse(document.root)
    }

    public static func parse(_ text: String) throws(FrameError) -> Frame {
        try parse(Array(text.utf8))
    }

    static func parse(_ document: JSONView) throws(FrameError) -> Frame {
        guard document.token.kind == .array else {
            throw FrameError(messageId: nil, code: .formationViolation, reason: "a frame is a JSON array, found \(document.typeName)")
        }
        let elements = FrameElements(array: document)
        guard elements.count >= 2, let messageId = elements[1].stringValue else {
            throw FrameError(messageId: nil, code: .formationViolation, reason: "frame has no readable message id")
        }
        guard elements[0].token.kind == .integer else {
            throw FrameError(messageId: messageId, code: .formationViolation, reason: "message type id is not an integer")
        }
        let typeId = elements[0].token.payload
        guard !messageId.isEmpty,
            messageId.utf8.count <= maximumMessageIdLength || messageId.unicodeScalars.count <= maximumMessageIdLength
        else {
            // Too long to be echoed safely: answering it could feed a loop.
            throw FrameError(messageId: nil, code: .formationViolation, reason: "message id is empty or longer than 36 characters")
        }
        switch typeId {
        case 2:
            guard elements.count >= 4 else {
                throw FrameError(messageId: messageId, code: .protocolError, reason: "CALL needs 4 elements, found \(elements.count)")
            }
            guard elements.count == 4 else {
                throw FrameError(messageId: messageId, code: .formationViolation, reason: "CALL has \(elements.count) elements, expected 4")
            }
            guard let action = elements[2].stringValue else {
                throw FrameError(messageId: messageId, code: .formationViolation, reason: "action is not a string")
            }
            guard elements[3].token.kind == .object else {
                throw FrameError(messageId: messageId, code: .formationViolation, reason: "payload is not a JSON object")
            }
            return .call(Call(messageId: messageId, action: action, body: .parsed(elements[3])))
        case 3:
            // Errors in answers are never answered: they are reported to the caller.
            guard elements.count == 3, elements[2].token.kind == .object else {
                throw FrameError(messageId: nil, code: .formationViolation, reason: "CALLRESULT is not [3, id, {payload}]")
            }
            return .callResult(CallResult(messageId: messageId, body: .parsed(elements[2])))
        case 4:
            guard elements.count >= 4, let codeText = elements[2].stringValue else {
                throw FrameError(messageId: nil, code: .formationViolation, reason: "CALLERROR is not [4, id, code, description, {details}]")
            }
            let code = OCPPErrorCode(rawValue: codeText) ?? (codeText == "FormatViolation" ? .formationViolation : .genericError)
            let description = elements[3].stringValue ?? ""
            let details = elements.count > 4 ? elements[4].value.objectValue ?? JSONObject() : JSONObject()
            return .callError(CallError(messageId: messageId, errorCode: code, errorDescription: description, errorDetails: details))
        default:
            throw FrameError(messageId: messageId, code: .protocolError, reason: "unknown message type id \(typeId)")
        }
    }

    /// The frame as a JSON value, ready to be written.
    public var json: JSONValue {
        switch self {
        case .call(let call):
            .array([.integer(2), .string(call.messageId), .string(call.action), .object(call.payload)])
        case .callResult(let result):
            .array([.integer(3), .string(result.messageId), .object(result.payload)])
        case .callError(let error):
            .array([
                .integer(4), .string(error.messageId), .string(error.errorCode.rawValue),
                .string(error.errorDescription), .object(error.errorDetails),
            ])
        }
    }

    private var body: [UInt8]? {
        switch self {
        case .call(let call): call.body.written
        case .callResult(let result): result.body.written
        case .callError: nil
        }
    }

    /// The text of the WebSocket message that carries the frame.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 64 + (body?.count ?? 0))
        switch self {
        case .call(let call):
            writer.append("[2,")
            writer.write(string: call.messageId)
            writer.bytes.append(UInt8(ascii: ","))
            writer.write(string: call.action)
            writer.bytes.append(UInt8(ascii: ","))
            call.body.write(to: &writer)
        case .callResult(let result):
            writer.append("[3,")
            writer.write(string: result.messageId)
            writer.bytes.append(UInt8(ascii: ","))
            result.body.write(to: &writer)
        case .callError:
            return JSONWriter.serialize(json)
        }
        writer.bytes.append(UInt8(ascii: "]"))
        return writer.bytes
    }

    public var text: String { String(decoding: serialized(), as: UTF8.self) }
}

extension Call {
    /// Checks that this CALL is an action the receiver handles, with a valid
    /// payload, and returns the typed request.
    ///
    /// - Parameter receiver: who received the call; a Central System does not
    ///   get RemoteStartTransaction, nor a charge point BootNotification.
    public func validatedRequest(receivedBy receiver: OCPPInitiator) throws(FrameError) -> any OCPPRequest {
        guard let known = OCPPAction(name: action) else {
            throw FrameError(messageId: messageId, code: .notImplemented, reason: "unknown action '\(action.prefix(50))'")
        }
        let acceptable = receiver == .chargePoint ? known.isSentByCentralSystem : known.isSentByChargePoint
        guard acceptable else {
            throw FrameError(messageId: messageId, code: .notSupported, reason: "\(action) is not sent to a \(receiver == .chargePoint ? "charge point" : "Central System")")
        }
        do {
            return try decodeAny(known.requestType)
        } catch {
            throw FrameError(messageId: messageId, code: error.code, reason: error.description)
        }
    }

    private func decodeAny<R: OCPPRequest>(_ type: R.Type) throws(PayloadError) -> any OCPPRequest {
        try decode(type)
    }
}

/// The first five elements of a frame's array (no frame has more), found
/// without building a list.
private struct FrameElements {
    let array: JSONView
    let count: Int
    private var indices: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)

    init(array: JSONView) {
        self.array = array
        count = Int(array.token.count)
        var child = array.index + 1
        for position in 0..<min(count, 5) {
            switch position {
            case 0: indices.0 = child
            case 1: indices.1 = child
            case 2: indices.2 = child
            case 3: indices.3 = child
            default: indices.4 = child
            }
            child = JSONView(document: array.document, index: child).end
        }
    }

    subscript(position: Int) -> JSONView {
        let index: Int
        switch position {
        case 0: index = indices.0
        case 1: index = indices.1
        case 2: index = indices.2
        case 3: index = indices.3
        default: index = indices.4
        }
        return JSONView(document: array.document, index: index)
    }
}
