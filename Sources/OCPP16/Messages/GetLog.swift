public enum LogType: String, StringEnum, CaseIterable {
    case diagnosticsLog = "DiagnosticsLog"
    case securityLog = "SecurityLog"
}

/// LogParametersType: where to upload, and which span of the log.
public struct LogParameters: JSONCodable, Equatable {
    public var remoteLocation: RemoteLocation
    public var oldestTimestamp: OCPPDateTime?
    public var latestTimestamp: OCPPDateTime?

    public init(remoteLocation: RemoteLocation, oldestTimestamp: OCPPDateTime? = nil, latestTimestamp: OCPPDateTime? = nil) {
        self.remoteLocation = remoteLocation
        self.oldestTimestamp = oldestTimestamp
        self.latestTimestamp = latestTimestamp
    }

    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        remoteLocation = try object.required("remoteLocation")
        oldestTimestamp = try object.optional("oldestTimestamp")
        latestTimestamp = try object.optional("latestTimestamp")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("remoteLocation", remoteLocation)
            object.member("oldestTimestamp", oldestTimestamp)
            object.member("latestTimestamp", latestTimestamp)
        }
    }
}

/// GetLog.req: upload the diagnostics or the security log; progress is
/// reported by LogStatusNotification with the same requestId.
public struct GetLogRequest: OCPPRequest {
    public typealias Response = GetLogResponse
    public static var action: OCPPAction { .getLog }
    public var log: LogParameters
    public var logType: LogType
    public var requestId: Int
    public var retries: Int?
    public var retryInterval: Int?

    public init(log: LogParameters, logType: LogType, requestId: Int, retries: Int? = nil, retryInterval: Int? = nil) {
        self.log = log
        self.logType = logType
        self.requestId = requestId
        self.retries = retries
        self.retryInterval = retryInterval
    }
}

extension GetLogRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        log = try object.required("log")
        logType = try object.required("logType")
        requestId = try object.required("requestId")
        retries = try object.optionalCount("retries")
        retryInterval = try object.optionalCount("retryInterval")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("log", log)
            object.member("logType", logType)
            object.member("requestId", requestId)
            object.member("retries", retries)
            object.member("retryInterval", retryInterval)
        }
    }
}

public enum LogStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    /// Accepted, and an upload that was running is cancelled for it.
    case acceptedCanceled = "AcceptedCanceled"
}

public struct GetLogResponse: OCPPMessage {
    public var status: LogStatus
    /// The name of the file that will be uploaded; absent when there is none.
    public var filename: BoundedString<Length255>?

    public init(status: LogStatus, filename: BoundedString<Length255>? = nil) {
        self.status = status
        self.filename = filename
    }
}

extension GetLogResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
        filename = try object.optional("filename")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
            object.member("filename", filename)
        }
    }
}
