/// The states of a signed firmware update, a superset of FirmwareStatus.
public enum SignedFirmwareStatus: String, StringEnum, CaseIterable {
    case downloaded = "Downloaded"
    case downloadFailed = "DownloadFailed"
    case downloading = "Downloading"
    case downloadScheduled = "DownloadScheduled"
    case downloadPaused = "DownloadPaused"
    case idle = "Idle"
    case installationFailed = "InstallationFailed"
    case installing = "Installing"
    case installed = "Installed"
    case installRebooting = "InstallRebooting"
    case installScheduled = "InstallScheduled"
    case installVerificationFailed = "InstallVerificationFailed"
    case invalidSignature = "InvalidSignature"
    case signatureVerified = "SignatureVerified"
}

/// SignedFirmwareStatusNotification.req: progress of a SignedUpdateFirmware.
public struct SignedFirmwareStatusNotificationRequest: OCPPRequest {
    public typealias Response = SignedFirmwareStatusNotificationResponse
    public static var action: OCPPAction { .signedFirmwareStatusNotification }
    public var status: SignedFirmwareStatus
    /// The SignedUpdateFirmware's requestId; absent for Idle when no update runs.
    public var requestId: Int?

    public init(status: SignedFirmwareStatus, requestId: Int? = nil) {
        self.status = status
        self.requestId = requestId
    }
}

extension SignedFirmwareStatusNotificationRequest {
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

public struct SignedFirmwareStatusNotificationResponse: EmptyPayload {
    public init() {}
}
