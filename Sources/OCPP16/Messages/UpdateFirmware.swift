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

public struct UpdateFirmwareResponse: OCPPMessage {
    public init() {}
}
