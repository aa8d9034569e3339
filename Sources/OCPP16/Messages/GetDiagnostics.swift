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

extension GetDiagnosticsRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        location = try object.required("location")
        retries = try object.optionalCount("retries")
        retryInterval = try object.optionalCount("retryInterval")
        startTime = try object.optional("startTime")
        stopTime = try object.optional("stopTime")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("location", location)
            object.member("retries", retries)
            object.member("retryInterval", retryInterval)
            object.member("startTime", startTime)
            object.member("stopTime", stopTime)
        }
    }
}

public struct GetDiagnosticsResponse: OCPPMessage {
    /// Absent when there is nothing to upload.
    public var fileName: CiString255?
    public init(fileName: CiString255? = nil) { self.fileName = fileName }
}

extension GetDiagnosticsResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        fileName = try object.optional("fileName")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("fileName", fileName)
        }
    }
}
