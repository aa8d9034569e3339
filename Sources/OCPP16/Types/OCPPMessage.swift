/// A request or confirmation payload of OCPP 1.6.
public protocol OCPPMessage: JSONCodable, Equatable {}

/// A request payload, tied to its action and to the confirmation it expects.
public protocol OCPPRequest: OCPPMessage {
    associatedtype Response: OCPPMessage
    static var action: OCPPAction { get }
}

/// The confirmations of OCPP 1.6 that carry only a status.
public protocol StatusResponse: OCPPMessage {
    associatedtype Status: StringEnum & Equatable
    var status: Status { get }
    init(status: Status)
}

extension StatusResponse {
    public init(json: JSONView) throws(PayloadError) {
        self.init(status: try JSONObjectReader(json).required("status"))
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in object.member("status", status) }
    }
}

/// The messages whose payload is an empty object.
public protocol EmptyPayload: OCPPMessage {
    init()
}

extension EmptyPayload {
    public init(json: JSONView) throws(PayloadError) {
        _ = try JSONObjectReader(json)
        self.init()
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { _ in }
    }
}

/// Accepted or Rejected, shared by the many confirmations that say no more.
public enum AcceptanceStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}
