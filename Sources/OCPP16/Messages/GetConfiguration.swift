/// GetConfiguration.req: the named keys, or all of them when `key` is absent.
public struct GetConfigurationRequest: OCPPRequest {
    public typealias Response = GetConfigurationResponse
    public static var action: OCPPAction { .getConfiguration }
    public var key: [CiString50]?
    public init(key: [CiString50]? = nil) { self.key = key }
}

extension GetConfigurationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        key = try object.optional("key")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("key", key)
        }
    }
}

public struct KeyValue: JSONCodable, Equatable {
    public var key: CiString50
    public var readonly: Bool
    public var value: CiString500?

    public init(key: CiString50, readonly: Bool, value: CiString500? = nil) {
        self.key = key
        self.readonly = readonly
        self.value = value
    }
}

extension KeyValue {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        key = try object.required("key")
        readonly = try object.required("readonly")
        value = try object.optional("value")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("key", key)
            object.member("readonly", readonly)
            object.member("value", value)
        }
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

extension GetConfigurationResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        configurationKey = try object.optional("configurationKey")
        unknownKey = try object.optional("unknownKey")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("configurationKey", configurationKey)
            object.member("unknownKey", unknownKey)
        }
    }
}
