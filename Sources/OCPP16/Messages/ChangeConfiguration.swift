/// ChangeConfiguration.req: set one configuration key.
public struct ChangeConfigurationRequest: OCPPRequest {
    public typealias Response = ChangeConfigurationResponse
    public static var action: OCPPAction { .changeConfiguration }
    public var key: CiString50
    public var value: CiString500
    public init(key: CiString50, value: CiString500) {
        self.key = key
        self.value = value
    }
}

extension ChangeConfigurationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        key = try object.required("key")
        value = try object.required("value")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("key", key)
            object.member("value", value)
        }
    }
}

public enum ConfigurationStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case rebootRequired = "RebootRequired"
    case notSupported = "NotSupported"
}

public struct ChangeConfigurationResponse: StatusResponse {
    public var status: ConfigurationStatus
    public init(status: ConfigurationStatus) { self.status = status }
}
