public enum FirmwareStatus: String, StringEnum, CaseIterable {
    case downloaded = "Downloaded"
    case downloadFailed = "DownloadFailed"
    case downloading = "Downloading"
    case idle = "Idle"
    case installationFailed = "InstallationFailed"
    case installing = "Installing"
    case installed = "Installed"
}

/// FirmwareStatusNotification.req: progress of a firmware update.
public struct FirmwareStatusNotificationRequest: OCPPRequest {
    public typealias Response = FirmwareStatusNotificationResponse
    public static var action: OCPPAction { .firmwareStatusNotification }
    public var status: FirmwareStatus
    public init(status: FirmwareStatus) { self.status = status }
}

extension FirmwareStatusNotificationRequest {
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

public struct FirmwareStatusNotificationResponse: EmptyPayload {
    public init() {}
}
