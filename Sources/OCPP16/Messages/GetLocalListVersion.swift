/// GetLocalListVersion.req: which local list version does the charger hold?
public struct GetLocalListVersionRequest: OCPPRequest {
    public typealias Response = GetLocalListVersionResponse
    public static var action: OCPPAction { .getLocalListVersion }
    public init() {}
}

public struct GetLocalListVersionResponse: OCPPMessage {
    /// 0: the list is empty; -1: local lists are not supported.
    public var listVersion: Int
    public init(listVersion: Int) { self.listVersion = listVersion }
}
