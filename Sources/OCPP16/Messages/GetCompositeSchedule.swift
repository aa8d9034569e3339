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
