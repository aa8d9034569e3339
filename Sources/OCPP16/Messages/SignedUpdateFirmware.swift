/// FirmwareType: where the signed firmware is, when to fetch and install
/// it, and what proves who made it.
public struct SignedFirmware: JSONCodable, Equatable {
    public var location: RemoteLocation
    public var retrieveDateTime: OCPPDateTime
    public var installDateTime: OCPPDateTime?
    /// PEM certificate the file was signed with; it must chain to a manufacturer root.
    public var signingCertificate: PEMText
    /// Base64 signature over the file.
    public var signature: BoundedString<Length800>

    public init(
        location: RemoteLocation, retrieveDateTime: OCPPDateTime, installDateTime: OCPPDateTime? = nil,
        signingCertificate: PEMText, signature: BoundedString<Length800>
    ) {
        self.location = location
        self.retrieveDateTime = retrieveDateTime
        self.installDateTime = installDateTime
        self.signingCertificate = signingCertificate
        self.signature = signature
    }

    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        location = try object.required("location")
        retrieveDateTime = try object.required("retrieveDateTime")
        installDateTime = try object.optional("installDateTime")
        signingCertificate = try object.required("signingCertificate")
        signature = try object.required("signature")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("location", location)
            object.member("retrieveDateTime", retrieveDateTime)
            object.member("installDateTime", installDateTime)
            object.member("signingCertificate", signingCertificate)
            object.member("signature", signature)
        }
    }
}

/// SignedUpdateFirmware.req: fetch, verify and install signed firmware;
/// progress is reported by SignedFirmwareStatusNotification with the same requestId.
public struct SignedUpdateFirmwareRequest: OCPPRequest {
    public typealias Response = SignedUpdateFirmwareResponse
    public static var action: OCPPAction { .signedUpdateFirmware }
    public var retries: Int?
    public var retryInterval: Int?
    public var requestId: Int
    public var firmware: SignedFirmware

    public init(retries: Int? = nil, retryInterval: Int? = nil, requestId: Int, firmware: SignedFirmware) {
        self.retries = retries
        self.retryInterval = retryInterval
        self.requestId = requestId
        self.firmware = firmware
    }
}

extension SignedUpdateFirmwareRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        retries = try object.optionalCount("retries")
        retryInterval = try object.optionalCount("retryInterval")
        requestId = try object.required("requestId")
        firmware = try object.required("firmware")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("retries", retries)
            object.member("retryInterval", retryInterval)
            object.member("requestId", requestId)
            object.member("firmware", firmware)
        }
    }
}

public enum SignedUpdateFirmwareStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    /// Accepted, and an update that was running is cancelled for it.
    case acceptedCanceled = "AcceptedCanceled"
    case invalidCertificate = "InvalidCertificate"
    case revokedCertificate = "RevokedCertificate"
}

public struct SignedUpdateFirmwareResponse: StatusResponse {
    public var status: SignedUpdateFirmwareStatus
    public init(status: SignedUpdateFirmwareStatus) { self.status = status }
}
