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

public struct DiagnosticsStatusNotificationResponse: OCPPMessage {
    public init() {}
}
