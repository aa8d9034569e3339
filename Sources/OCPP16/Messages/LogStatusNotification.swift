public enum UploadLogStatus: String, StringEnum, CaseIterable {
    case badMessage = "BadMessage"
    case idle = "Idle"
    case notSupportedOperation = "NotSupportedOperation"
    case permissionDenied = "PermissionDenied"
    case uploaded = "Uploaded"
    case uploadFailure = "UploadFailure"
    case uploading = "Uploading"
}

/// LogStatusNotification.req: progress of a GetLog upload.
public struct LogStatusNotificationRequest: OCPPRequest {
    public typealias Response = LogStatusNotificationResponse
    public static var action: OCPPAction { .logStatusNotification }
    public var status: UploadLogStatus
    /// The GetLog's requestId; absent for Idle when no upload runs.
    public var requestId: Int?

    public init(status: UploadLogStatus, requestId: Int? = nil) {
        self.status = status
        self.requestId = requestId
    }
}

extension LogStatusNotificationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
        requestId = try object.optional("requestId")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
            object.member("requestId", requestId)
        }
    }
}

public struct LogStatusNotificationResponse: EmptyPayload {
    public init() {}
}
