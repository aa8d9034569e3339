import ChargePoint
import Link
import OCPP16
import Store

/// What the operators layer remembers about security events between calls.
struct SecurityEventState: Sendable {
    /// Events the disk refused (full, failing): kept in memory, oldest first, and written
    /// on a later tick, with their own timestamps. Bounded; the oldest go first.
    var unwritten: [(request: SecurityEventNotificationRequest, target: String?)] = []
    /// The last write was refused: said once, not on every tick until space is back.
    var writeRefused = false
    /// Invalid messages per operator, so that a flood makes one event a minute.
    var invalidMessages: [String: InvalidMessageWindow] = [:]
    /// The connection events said during the current outage of each operator: a link that
    /// is refused on every retry makes one event, not one per attempt.
    var saidThisOutage: [String: Set<SecurityEventType>] = [:]

    static let unwrittenLimit = 100
}

/// At most one InvalidMessages event per operator and minute; the ones in between are
/// counted and reported with the next.
struct InvalidMessageWindow: Sendable {
    static let length: Int64 = 60_000
    var lastEventAt: Int64
    var uncounted = 0
    var lastReason = ""
}

extension Operators {
    /// Records a security event: kept in the security log and, before this returns, in
    /// the durable queue of each recipient, from which it is sent once that operator is
    /// connected (after a restart, too). A nil `operator` is every enabled operator (an
    /// event of the charger); else only that operator hears of it (an event of its
    /// connection or of its request).
    ///
    /// The security parameters' keys call it with `.reconfigurationOfSecurityParameters`.
    public func securityEvent(_ type: SecurityEventType, techInfo: String? = nil, operator target: String? = nil) {
        let request = SecurityEventNotificationRequest(
            type: BoundedString(truncating: type.rawValue), timestamp: clock(),
            techInfo: techInfo.map { BoundedString(truncating: $0) })
        recordSecurityEvent(request, to: target)
    }

    /// Empties the security log; the event that says so (SecurityLogWasCleared, to every
    /// operator) is its first entry afterwards. Returns how many events were removed.
    public func clearSecurityLog(by who: String) throws -> Int {
        flushSecurityEvents()
        let request = SecurityEventNotificationRequest(
            type: BoundedString(truncating: SecurityEventType.securityLogWasCleared.rawValue), timestamp: clock(),
            techInfo: BoundedString(truncating: "cleared by \(who)"))
        let recipients = transactionRecipients
        let removed = try securityLog.clear(
            recording: Self.logEvent(request, operator: nil), for: recipients, at: clock().millisecondsSince1970)
        logger.notice("security log cleared", metadata: ["by": "\(who)", "removed": "\(removed)"])
        for name in recipients { wakeLinks(of: name) }
        return removed
    }

    func recordSecurityEvent(_ request: SecurityEventNotificationRequest, to target: String?) {
        logger.notice(
            "security event", metadata: ["type": "\(request.type)", "to": "\(target ?? "every operator")", "techInfo": "\(request.techInfo?.description ?? "-")"])
        securityEvents.unwritten.append((request, target))
        let excess = securityEvents.unwritten.count - SecurityEventState.unwrittenLimit
        if excess > 0 {
            logger.error("security events lost: the disk refused them for too long", metadata: ["lost": "\(excess)"])
            securityEvents.unwritten.removeFirst(excess)
        }
        flushSecurityEvents()
    }

    /// Writes the events not yet on disk, oldest first; stops at the first the disk refuses.
    func flushSecurityEvents() {
        var woken: Set<String> = []
        while let (request, target) = securityEvents.unwritten.first {
            let enabled = transactionRecipients
            let recipients = target.map { enabled.contains($0) ? [$0] : [] } ?? enabled
            do {
                try securityLog.record(
                    Self.logEvent(request, operator: target), for: recipients, at: clock().millisecondsSince1970)
            } catch {
                if !securityEvents.writeRefused {
                    logger.error(
                        "cannot store a security event; kept in memory and tried again every second",
                        metadata: ["type": "\(request.type)", "error": "\(error)"])
                }
                securityEvents.writeRefused = true
                break
            }
            if securityEvents.writeRefused {
                logger.notice("security events stored again", metadata: ["waiting": "\(securityEvents.unwritten.count)"])
                securityEvents.writeRefused = false
            }
            securityEvents.unwritten.removeFirst()
            woken.formUnion(recipients)
        }
        for name in woken { wakeLinks(of: name) }
    }

    static func logEvent(_ request: SecurityEventNotificationRequest, operator target: String?) -> SecurityLog.Event {
        SecurityLog.Event(
            type: request.type.description, techInfo: request.techInfo?.description,
            occurredAt: request.timestamp.millisecondsSince1970, operatorName: target,
            payload: PayloadCoding.encodedBytes(request))
    }

    // MARK: Events of one connection

    /// What a link reports: a refused login or server certificate, a malformed frame.
    func linkIncident(_ incident: LinkIncident, of name: String) {
        switch incident {
        case .connectionEnded(.upgradeRefused(let status, let reason)) where status == 401 || status == 403:
            connectionEvent(.failedToAuthenticateAtCentralSystem, "HTTP \(status) \(reason)", of: name)
        case .connectionEnded(.tls(let failure)) where failure.verificationError != nil:
            connectionEvent(.invalidCentralSystemCertificate, failure.description, of: name)
        case .connectionEnded(.protocolViolation(let text)):
            invalidMessage(from: name, reason: text)
        case .malformedFrame(let reason):
            invalidMessage(from: name, reason: reason)
        default:
            break
        }
    }

    /// Said once per outage of the operator's connection.
    private func connectionEvent(_ type: SecurityEventType, _ techInfo: String, of name: String) {
        guard securityEvents.saidThisOutage[name, default: []].insert(type).inserted else { return }
        securityEvent(type, techInfo: techInfo, operator: name)
    }

    /// The operator's connection is registered: the next outage is reported anew.
    func connectionRegistered(_ name: String) {
        securityEvents.saidThisOutage[name] = nil
    }

    /// A CALL or frame from `name` was refused as malformed: an InvalidMessages event to
    /// that operator, at most one a minute, with the count of those in between.
    func invalidMessage(from name: String, reason: String) {
        let now = clock().millisecondsSince1970
        guard var window = securityEvents.invalidMessages[name], now - window.lastEventAt < InvalidMessageWindow.length else {
            securityEvents.invalidMessages[name] = InvalidMessageWindow(lastEventAt: now)
            securityEvent(.invalidMessages, techInfo: "1 invalid message: \(reason)", operator: name)
            return
        }
        window.uncounted += 1
        window.lastReason = reason
        securityEvents.invalidMessages[name] = window
    }

    /// On every tick: what the disk refused is tried again, and the invalid messages
    /// counted during a minute that has passed are reported.
    func securityEventsTick() {
        flushSecurityEvents()
        let now = clock().millisecondsSince1970
        for (name, window) in securityEvents.invalidMessages where now - window.lastEventAt >= InvalidMessageWindow.length {
            if window.uncounted == 0 {
                securityEvents.invalidMessages[name] = nil
                continue
            }
            securityEvents.invalidMessages[name] = InvalidMessageWindow(lastEventAt: now)
            securityEvent(
                .invalidMessages, techInfo: "\(window.uncounted) more invalid messages in a minute, the last: \(window.lastReason)",
                operator: name)
        }
    }
}
