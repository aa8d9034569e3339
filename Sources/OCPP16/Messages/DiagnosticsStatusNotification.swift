public enum DiagnosticsStatus: String, StringEnum, CaseIterable {
    case idle = "Idle"
    case uploaded = "Uploaded"
    case uploadFailed = "UploadFailed"
    case uploading = "Uploading"
}

/// DiagnosticsStatusNotification.req: progress of a diagnostics upload.
public struct DiagnosticsStatusNotificationRequest: OCPPRequest {
    public typealias Response = DiagnosticsStatusNotificationResponse
    public static var action: OCPPAction { .diagnosticsStatusNotification }
    public var status: DiagnosticsStatus
    public init(status: DiagnosticsStatus) { self.status = status }
}

extension DiagnosticsStatusNotificationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
        }
    }
}

public struct DiagnosticsStatusNotificationResponse: EmptyPayload {
    public init() {}
}
