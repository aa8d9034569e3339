/// UpdateFirmware.req: fetch firmware from `location` from `retrieveDate` on.
public struct UpdateFirmwareRequest: OCPPRequest {
    public typealias Response = UpdateFirmwareResponse
    public static var action: OCPPAction { .updateFirmware }
    public var location: String
    public var retries: Int?
    public var retrieveDate: OCPPDateTime
    public var retryInterval: Int?

    public init(location: String, retries: Int? = nil, retrieveDate: OCPPDateTime, retryInterval: Int? = nil) {
        self.location = location
        self.retries = retries
        self.retrieveDate = retrieveDate
        self.retryInterval = retryInterval
    }
}

extension UpdateFirmwareRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        location = try object.required("location")
        retries = try object.optionalCount("retries")
        retrieveDate = try object.required("retrieveDate")
        retryInterval = try object.optionalCount("retryInterval")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("location", location)
            object.member("retries", retries)
            object.member("retrieveDate", retrieveDate)
            object.member("retryInterval", retryInterval)
        }
    }
}

public struct UpdateFirmwareResponse: EmptyPayload {
    public init() {}
}
