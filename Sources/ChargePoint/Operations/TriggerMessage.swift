import OCPP16

extension ChargePoint {
    /// TriggerMessage: the message goes to the requester only. Boot and
    /// Heartbeat belong to the connection and are sent by the operators layer.
    func trigger(_ request: TriggerMessageRequest, for operatorName: String?, now: OCPPDateTime) async -> TriggerMessageStatus {
        if let connector = request.connectorId, connector != 0, index(of: connector) == nil { return .rejected }
        switch request.requestedMessage {
        case .statusNotification:
            let statuses = currentStatuses(now: now).filter { request.connectorId == nil || $0.connectorId == request.connectorId }
            for status in statuses { await uplink?.emit(.status(status, to: operatorName)) }
        case .meterValues:
            let messages = triggeredMeterValues(connector: request.connectorId == 0 ? nil : request.connectorId, for: operatorName, now: now)
                .map { OutgoingMessage.meterValues(ref: $0.0, $0.1, to: operatorName) }
            recordMeterValues(messages, now: now)
            for message in messages { await uplink?.emit(message) }
        case .firmwareStatusNotification:
            await uplink?.emit(.firmwareStatus(FirmwareStatusNotificationRequest(status: currentFirmwareStatus), to: operatorName))
        case .diagnosticsStatusNotification:
            await uplink?.emit(.diagnosticsStatus(DiagnosticsStatusNotificationRequest(status: currentDiagnosticsStatus), to: operatorName))
        case .bootNotification, .heartbeat:
            return .notImplemented
        }
        return .accepted
    }
}

extension TriggerMessageRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> TriggerMessageResponse {
        TriggerMessageResponse(status: await chargePoint.trigger(self, for: origin.operatorName, now: now))
    }
}
