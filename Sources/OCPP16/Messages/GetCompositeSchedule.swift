/// GetCompositeSchedule.req: the limits that will apply for `duration` seconds.
public struct GetCompositeScheduleRequest: OCPPRequest {
    public typealias Response = GetCompositeScheduleResponse
    public static var action: OCPPAction { .getCompositeSchedule }
    public var connectorId: Int
    public var duration: Int
    public var chargingRateUnit: ChargingRateUnit?

    public init(connectorId: Int, duration: Int, chargingRateUnit: ChargingRateUnit? = nil) {
        self.connectorId = connectorId
        self.duration = duration
        self.chargingRateUnit = chargingRateUnit
    }
}

extension GetCompositeScheduleRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
        duration = try object.requiredCount("duration")
        chargingRateUnit = try object.optional("chargingRateUnit")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
            object.member("duration", duration)
            object.member("chargingRateUnit", chargingRateUnit)
        }
    }
}

public struct GetCompositeScheduleResponse: OCPPMessage {
    public var status: AcceptanceStatus
    public var connectorId: Int?
    public var scheduleStart: OCPPDateTime?
    public var chargingSchedule: ChargingSchedule?

    public init(
        status: AcceptanceStatus, connectorId: Int? = nil, scheduleStart: OCPPDateTime? = nil,
        chargingSchedule: ChargingSchedule? = nil
    ) {
        self.status = status
        self.connectorId = connectorId
        self.scheduleStart = scheduleStart
        self.chargingSchedule = chargingSchedule
    }
}

extension GetCompositeScheduleResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        status = try object.required("status")
        connectorId = try object.optional("connectorId")
        scheduleStart = try object.optional("scheduleStart")
        chargingSchedule = try object.optional("chargingSchedule")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("status", status)
            object.member("connectorId", connectorId)
            object.member("scheduleStart", scheduleStart)
            object.member("chargingSchedule", chargingSchedule)
        }
    }
}
