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

/// Accepted or Rejected, shared by the many confirmations that say no more.
public enum AcceptanceStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}
