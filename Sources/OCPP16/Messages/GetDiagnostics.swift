/// GetDiagnostics.req: upload a diagnostics file to `location`.
public struct GetDiagnosticsRequest: OCPPRequest {
    public typealias Response = GetDiagnosticsResponse
    public static var action: OCPPAction { .getDiagnostics }
    public var location: String
    public var retries: Int?
    public var retryInterval: Int?
    public var startTime: OCPPDateTime?
    public var stopTime: OCPPDateTime?

    public init(
        location: String, retries: Int? = nil, retryInterval: Int? = nil, startTime: OCPPDateTime? = nil,
        stopTime: OCPPDateTime? = nil
    ) {
        self.location = location
        self.retries = retries
        self.retryInterval = retryInterval
        self.startTime = startTime
        self.stopTime = stopTime
    }
}

public struct GetDiagnosticsResponse: OCPPMessage {
    /// Absent when there is nothing to upload.
    public var fileName: CiString255?
    public init(fileName: CiString255? = nil) { self.fileName = fileName }
}
