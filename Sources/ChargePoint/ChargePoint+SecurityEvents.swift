import OCPP16
import Store

/// The security events the charge point itself sees: reset, firmware, a full disk.
/// The operators layer keeps them and queues them durably (`OutgoingMessage.securityEvent`).
extension ChargePoint {
    /// An event of the whole charger, to every operator; on disk when this returns.
    func securityEvent(_ type: SecurityEventType, techInfo: String? = nil, now: OCPPDateTime) async {
        await uplink?.emit(.securityEvent(Self.securityEventRequest(type, techInfo: techInfo, now: now), to: nil))
    }

    /// For places that neither wait nor know the time: the event goes out on the next
    /// tick, stamped with its time.
    func securityEventDue(_ type: SecurityEventType, techInfo: String? = nil) {
        securityEventsDue.append((type, techInfo))
    }

    func emitDueSecurityEvents(now: OCPPDateTime) async {
        let due = securityEventsDue
        securityEventsDue.removeAll()
        for (type, techInfo) in due { await securityEvent(type, techInfo: techInfo, now: now) }
    }

    static func securityEventRequest(_ type: SecurityEventType, techInfo: String?, now: OCPPDateTime) -> SecurityEventNotificationRequest {
        SecurityEventNotificationRequest(
            type: BoundedString(truncating: type.rawValue), timestamp: now, techInfo: techInfo.map { BoundedString(truncating: $0) })
    }

    /// Whether a failed write failed for lack of space (MemoryExhaustion).
    static func isFullDisk(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.code == .full
    }
}
