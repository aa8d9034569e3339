import OCPP16

/// A message TriggerMessage or ExtendedTriggerMessage asks for, as the charge point sends it.
public enum TriggeredMessage: Sendable, Equatable {
    case statusNotification
    case meterValues
    case firmwareStatusNotification
    case diagnosticsStatusNotification
    /// ExtendedTriggerMessage's FirmwareStatusNotification: the signed firmware status.
    case signedFirmwareStatusNotification
    case logStatusNotification
    /// Boot and Heartbeat belong to the connection and are sent by the operators layer.
    case bootNotification
    case heartbeat
}

extension ChargePoint {
    /// TriggerMessage and ExtendedTriggerMessage: the message goes to the requester only.
    public func trigger(_ message: TriggeredMessage, connectorId: Int?, for operatorName: String?, now: OCPPDateTime) async -> TriggerMessageStatus {
        if let connector = connectorId, connector != 0, index(of: connector) == nil { return .rejected }
        switch message {
        case .statusNotification:
            let statuses = currentStatuses(now: now).filter { connectorId == nil || $0.connectorId == connectorId }
            for status in statuses { await uplink?.emit(.status(status, to: operatorName)) }
        case .meterValues:
            let messages = triggeredMeterValues(connector: connectorId == 0 ? nil : connectorId, for: operatorName, now: now)
                .map { OutgoingMessage.meterValues(ref: $0.0, $0.1, to: operatorName) }
            recordMeterValues(messages, now: now)
            for message in messages { await uplink?.emit(message) }
        case .firmwareStatusNotification:
            await uplink?.emit(.firmwareStatus(FirmwareStatusNotificationRequest(status: currentFirmwareStatus), to: operatorName))
        case .diagnosticsStatusNotification:
            await uplink?.emit(.diagnosticsStatus(DiagnosticsStatusNotificationRequest(status: currentDiagnosticsStatus), to: operatorName))
        case .signedFirmwareStatusNotification:
            await uplink?.emit(.signedFirmwareStatus(currentSignedFirmwareStatus, to: operatorName))
        case .logStatusNotification:
            await uplink?.emit(.logStatus(currentLogStatus, to: operatorName))
        case .bootNotification, .heartbeat:
            return .notImplemented
        }
        return .accepted
    }
}

extension TriggerMessageRequest {
    /// What the charge point sends for it.
    public var triggered: TriggeredMessage {
        switch requestedMessage {
        case .bootNotification: .bootNotification
        case .diagnosticsStatusNotification: .diagnosticsStatusNotification
        case .firmwareStatusNotification: .firmwareStatusNotification
        case .heartbeat: .heartbeat
        case .meterValues: .meterValues
        case .statusNotification: .statusNotification
        }
    }
}

extension TriggerMessageRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> TriggerMessageResponse {
        TriggerMessageResponse(status: await chargePoint.trigger(triggered, connectorId: connectorId, for: origin.operatorName, now: now))
    }
}
