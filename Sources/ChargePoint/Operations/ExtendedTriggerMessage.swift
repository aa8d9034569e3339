import OCPP16

extension ExtendedTriggerMessageRequest {
    /// What the charge point sends for it; nil for SignChargePointCertificate, which
    /// starts a certificate renewal instead of sending a message.
    public var triggered: TriggeredMessage? {
        switch requestedMessage {
        case .bootNotification: .bootNotification
        case .heartbeat: .heartbeat
        case .logStatusNotification: .logStatusNotification
        case .firmwareStatusNotification: .signedFirmwareStatusNotification
        case .meterValues: .meterValues
        case .statusNotification: .statusNotification
        case .signChargePointCertificate: nil
        }
    }
}

extension ExtendedTriggerMessageRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async
        -> ExtendedTriggerMessageResponse
    {
        guard let triggered else { return ExtendedTriggerMessageResponse(status: .rejected) }
        return ExtendedTriggerMessageResponse(
            status: await chargePoint.trigger(triggered, connectorId: connectorId, for: origin.operatorName, now: now))
    }
}
