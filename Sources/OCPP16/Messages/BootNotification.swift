/// BootNotification.req: who this charge point is, sent on every connect.
public struct BootNotificationRequest: OCPPRequest {
    public typealias Response = BootNotificationResponse
    public static var action: OCPPAction { .bootNotification }
    public var chargePointVendor: CiString20
    public var chargePointModel: CiString20
    public var chargePointSerialNumber: CiString25?
    public var chargeBoxSerialNumber: CiString25?
    public var firmwareVersion: CiString50?
    public var iccid: CiString20?
    public var imsi: CiString20?
    public var meterType: CiString25?
    public var meterSerialNumber: CiString25?

    public init(
        chargePointVendor: CiString20, chargePointModel: CiString20, chargePointSerialNumber: CiString25? = nil,
        chargeBoxSerialNumber: CiString25? = nil, firmwareVersion: CiString50? = nil, iccid: CiString20? = nil,
        imsi: CiString20? = nil, meterType: CiString25? = nil, meterSerialNumber: CiString25? = nil
    ) {
        self.chargePointVendor = chargePointVendor
        self.chargePointModel = chargePointModel
        self.chargePointSerialNumber = chargePointSerialNumber
        self.chargeBoxSerialNumber = chargeBoxSerialNumber
        self.firmwareVersion = firmwareVersion
        self.iccid = iccid
        self.imsi = imsi
        self.meterType = meterType
        self.meterSerialNumber = meterSerialNumber
    }
}

extension BootNotificationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        chargePointVendor = try object.required("chargePointVendor")
        chargePointModel = try object.required("chargePointModel")
        chargePointSerialNumber = try object.optional("chargePointSerialNumber")
        chargeBoxSerialNumber = try object.optional("chargeBoxSerialNumber")
        firmwareVersion = try object.optional("firmwareVersion")
        iccid = try object.optional("iccid")
        imsi = try object.optional("imsi")
        meterType = try object.optional("meterType")
        meterSerialNumber = try object.optional("meterSerialNumber")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("chargePointVendor", chargePointVendor)
            object.member("chargePointModel", chargePointModel)
            object.member("chargePointSerialNumber", chargePointSerialNumber)
            object.member("chargeBoxSerialNumber", chargeBoxSerialNumber)
            object.member("firmwareVersion", firmwareVersion)
            object.member("iccid", iccid)
            object.member("imsi", imsi)
            object.member("meterType", meterType)
            object.member("meterSerialNumber", meterSerialNumber)
        }
    }
}

public enum RegistrationStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case pending = "Pending"
    case rejected = "Rejected"
}

public struct BootNotificationResponse: OCPPMessage {
    public var status: RegistrationStatus
    public var currentTime: OCPPDateTime
    /// Heartbeat interval when accepted, retry interval otherwise (seconds).
    public var interval: Int

    public init(status: RegistrationStatus, currentTime: OCPPDateTime, interval: Int) {
        self.status = status
        self.currentTime = currentTime
        self.interval = interval
    }
}

extension BootNotificationResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
        currentTime = try object.required("currentTime")
        interval = try object.required("interval")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
            object.member("currentTime", currentTime)
            object.member("interval", interval)
        }
    }
}
