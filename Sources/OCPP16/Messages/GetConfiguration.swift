/// GetConfiguration.req: the named keys, or all of them when `key` is absent.
public struct GetConfigurationRequest: OCPPRequest {
    public typealias Response = GetConfigurationResponse
    public static var action: OCPPAction { .getConfiguration }
    public var key: [CiString50]?
    public init(key: [CiString50]? = nil) { self.key = key }
}

public struct KeyValue: Codable, Sendable, Equatable {
    public var key: CiString50
    public var readonly: Bool
    public var value: CiString500?

    public init(key: CiString50, readonly: Bool, value: CiString500? = nil) {
        self.key = key
        self.readonly = readonly
        self.value = value
    }
}

public struct GetConfigurationResponse: OCPPMessage {
    public var configurationKey: [KeyValue]?
    public var unknownKey: [CiString50]?

    public init(configurationKey: [KeyValue]? = nil, unknownKey: [CiString50]? = nil) {
        self.configurationKey = configurationKey
        self.unknownKey = unknownKey
    }
}
