import ChargePoint
import Configuration
import Link
import Logging
import OCPP16
import Store

/// What happens on each operator's connection: registration, the status of
/// every connector, late joiners brought up to date, heartbeats.
extension Operators {
    /// Runs first on every connection of `name`.
    func opened(_ name: String, _ opening: any OpeningCalls) async throws {
        guard let session = sessions[name] else { return }
        var boot = try await opening.call(chargePoint.bootNotification)
        var previous = await session.state.registration
        await session.state.opened(boot, at: clock())
        do {
            try await waitForAcceptance(name, session, opening, boot: &boot, previous: &previous)
        } catch {
            // The opening failed: the link will not report this connection open.
            await session.state.closed()
            throw error
        }
        let configured = await chargePoint.configuration.integer("HeartbeatInterval", for: name)
        if boot.interval <= 0 { await session.state.setHeartbeatInterval(configured) }
        let interval = await session.state.heartbeatInterval
        connectionRegistered(name)
        logger.info(
            "registered", metadata: ["operator": "\(name)", "role": "\(session.entry.role.rawValue)", "interval": "\(interval) s"])
        bringUpToDate(name, transactions: await chargePoint.transactions)
        // The status of every connector, after what is queued: Charging never
        // reaches an operator before the StartTransaction it follows.
        for status in await chargePoint.currentStatuses(now: clock()) {
            post(status, to: name, afterQueued: true)
        }
        await tellExternalLimits(to: name)
    }

    /// Pending or Rejected: asks again on this connection until the answer is Accepted.
    private func waitForAcceptance(
        _ name: String, _ session: OperatorSession, _ opening: any OpeningCalls,
        boot: inout BootNotificationResponse, previous: inout RegistrationStatus?
    ) async throws {
        while boot.status != .accepted {
            // Pending or Rejected: the answer's interval is the least wait before the next
            // BootNotification, on this connection (OCPP 1.6, 4.2); nothing else is sent
            // meanwhile. Said once, until the answer changes.
            let wait = Self.registrationRetryDelay(after: boot)
            if previous != boot.status {
                logger.warning(
                    "registration not accepted, retrying",
                    metadata: [
                        "operator": "\(name)", "role": "\(session.entry.role.rawValue)", "status": "\(boot.status.rawValue)",
                        "retryIn": "\(wait) s",
                    ])
            }
            // Cancelled when the connection ends: the next one starts with a BootNotification.
            try await Task.sleep(for: .seconds(wait))
            previous = boot.status
            boot = try await opening.call(chargePoint.bootNotification)
            await session.state.opened(boot, at: clock())
        }
    }

    /// The wait before the next BootNotification after Pending or Rejected: the
    /// answer's interval, or a minute when it gives none, at most a day.
    static func registrationRetryDelay(after boot: BootNotificationResponse) -> Int {
        boot.interval > 0 ? min(boot.interval, SessionState.maximumHeartbeatInterval) : 60
    }

    /// An operator that joins while transactions run gets each one's
    /// StartTransaction with its original timestamp and meterStart, unless
    /// it was told already; checked and queued in one commit, so that it
    /// cannot cross the charge point's own messages.
    func bringUpToDate(_ name: String, transactions: [Transaction]) {
        guard !transactions.isEmpty else { return }
        let starts = transactions.map { (ref: $0.ref, payload: PayloadCoding.encodedBytes($0.startRequest)) }
        do {
            let queued = try ledger.catchUp(name, starts: starts, at: clock().millisecondsSince1970)
            for ref in queued {
                logger.info("bringing a late operator up to date", metadata: ["operator": "\(name)", "ref": "\(ref)"])
            }
            if !queued.isEmpty { wakeLinks(of: name) }
        } catch {
            logger.error("cannot queue a late operator's StartTransaction", metadata: ["operator": "\(name)", "error": "\(error)"])
        }
    }

    /// A queued message was answered (or given up): what it means for the
    /// operator's view of its transaction is booked in the commit that takes
    /// it out of the queue.
    func delivered(_ message: OutboxMessage, _ outcome: OutboxOutcome, to name: String) async {
        guard let ref = message.transactionRef else { return }
        let id = QueuedMessage.ID(rawValue: message.id)
        do {
            switch (message.action, outcome) {
            case (OCPPAction.startTransaction.rawValue, .delivered(let result)):
                let confirmation: StartTransactionResponse
                do {
                    confirmation = try result.decode(StartTransactionResponse.self)
                } catch {
                    // The Central System's answer cannot be read: given up like an unanswered one.
                    logger.error("unreadable StartTransaction.conf: transaction given up for this operator", metadata: ["operator": "\(name)", "ref": "\(ref)", "error": "\(error)"])
                    try ledger.startAbandoned(ref: ref, for: name, messageId: id)
                    return
                }
                try ledger.startConfirmed(ref: ref, transactionId: confirmation.transactionId, for: name, messageId: id)
                // Only the verdict of the transaction's own authority counts.
                let transaction = await chargePoint.transactions.first { $0.ref == ref }
                if let transaction, transaction.authority == name {
                    await chargePoint.startConfirmed(ref: ref, idTagInfo: confirmation.idTagInfo, now: clock())
                } else if confirmation.idTagInfo.status != .accepted {
                    logger.info("a non-authority refused an idTag: ignored", metadata: ["operator": "\(name)", "status": "\(confirmation.idTagInfo.status.rawValue)"])
                }
            case (OCPPAction.startTransaction.rawValue, .abandoned):
                logger.error("StartTransaction given up: this operator will not hear of the transaction", metadata: ["operator": "\(name)", "ref": "\(ref)"])
                try ledger.startAbandoned(ref: ref, for: name, messageId: id)
            case (OCPPAction.stopTransaction.rawValue, let outcome):
                if case .abandoned = outcome {
                    logger.error("StopTransaction given up", metadata: ["operator": "\(name)", "ref": "\(ref)"])
                }
                // The id is no longer needed once the stop is through.
                try ledger.finished(ref: ref, for: name, messageId: id)
            default:
                if case .abandoned = outcome {
                    logger.error("transaction message given up", metadata: ["operator": "\(name)", "action": "\(message.action)"])
                }
            }
        } catch {
            logger.critical("cannot book a transaction message's answer; it will be sent again", metadata: ["operator": "\(name)", "ref": "\(ref)", "error": "\(error)"])
        }
    }

    /// Heartbeats, each operator on its own schedule.
    public func tick() async {
        securityEventsTick()
        let now = clock()
        for session in sessions.values where await session.state.heartbeatDue(at: now) {
            session.post(HeartbeatRequest())
        }
        await checkClientCertificates()
    }

    /// One line per operator for `chargeplex operators` and `status`.
    public struct Overview: Sendable {
        public var name: String
        public var role: OperatorRole
        public var url: String
        public var isAuthority: Bool
        public var enabled: Bool
        public var link: String
        public var registration: String
        public var queueDepth: Int
        public var transactionIds: [Int64: Int]
        /// StartTransactions to this operator that were given up, ever: their
        /// transactions' later messages did not reach it.
        public var abandonedStarts: Int
    }

    public func overview() async -> [Overview] {
        let authority = authorityName
        let refs = await chargePoint.transactions.map(\.ref)
        var lines: [Overview] = []
        for entry in entries {
            let session = sessions[entry.name]
            let link = await session?.link.state.description ?? (entry.enabled ? "not connected" : "disabled")
            let registration = await session?.state.registration?.rawValue ?? "-"
            var known: [Int64: Int] = [:]
            var depth = 0
            var abandoned = 0
            do {
                known = try ledger.transactionIds(for: entry.name).filter { refs.contains($0.key) }
                depth = try queue.count(operator: entry.name)
                abandoned = try ledger.abandonedStarts(for: entry.name)
            } catch {
                logger.error("cannot read an operator's queue", metadata: ["operator": "\(entry.name)", "error": "\(error)"])
            }
            lines.append(
                Overview(
                    name: entry.name, role: entry.role, url: entry.url, isAuthority: entry.name == authority,
                    enabled: entry.enabled, link: link, registration: registration,
                    queueDepth: depth, transactionIds: known, abandonedStarts: abandoned))
        }
        return lines
    }
}
