/// DataTransfer.req: vendor-specific data, in either direction. `data` is
/// free text on the wire (often JSON), passed through untouched.
public struct DataTransferRequest: OCPPRequest {
    public typealias Response = DataTransferResponse
    public static var action: OCPPAction { .dataTransfer }
    public var vendorId: CiString255
    public var messageId: CiString50?
    public var data: String?

    public init(vendorId: CiString255, messageId: CiString50? = nil, data: String? = nil) {
        self.vendorId = vendorId
        self.messageId = messageId
        self.data = data
    }
}

extension DataTransferRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        vendorId = try object.required("vendorId")
        messageId = try object.optional("messageId")
        data = try object.optional("data")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("vendorId", vendorId)
            object.member("messageId", messageId)
            object.member("data", data)
        }
    }
}

public enum DataTransferStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case unknownMessageId = "UnknownMessageId"
    case unknownVendorId = "UnknownVendorId"
}

public struct DataTransferResponse: OCPPMessage {
    public var status: DataTransferStatus
    public var data: String?

    public init(status: DataTransferStatus, data: String? = nil) {
        self.status = status
        self.data = data
    }
}

extension DataTransferResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
        data = try object.optional("data")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
            object.member("data", data)
        }
    }
}
