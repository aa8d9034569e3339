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
    func opened(_ name: String, _ opening: LinkOpening) async throws {
        guard let session = sessions[name] else { return }
        let boot = try await opening.call(chargePoint.bootNotification)
        await session.state.opened(boot, at: clock())
        guard boot.status == .accepted else {
            // Pending or Rejected concerns this connection only: try again later.
            logger.notice("registration not accepted", metadata: ["operator": "\(name)", "status": "\(boot.status.rawValue)"])
            throw LinkError.openHandlerFailed("BootNotification \(boot.status.rawValue)")
        }
        let configured = await chargePoint.configuration.integer("HeartbeatInterval", for: name)
        if boot.interval <= 0 { await session.state.setHeartbeatInterval(configured) }
        for status in await chargePoint.currentStatuses(now: clock()) {
            _ = try await opening.call(status)
        }
        await bringUpToDate(name)
    }

    /// An operator that joins while transactions run gets each one's
    /// StartTransaction with its original timestamp and meterStart.
    func bringUpToDate(_ name: String) async {
        let queued = (try? queue.all(operator: name)) ?? []
        for transaction in await chargePoint.transactions {
            let known = ids.id(of: transaction.ref, for: name) != nil
            let waiting = queued.contains { $0.transactionRef == transaction.ref && $0.kind == .startTransaction }
            guard !known, !waiting else { continue }
            logger.info("bringing a late operator up to date", metadata: ["operator": "\(name)", "ref": "\(transaction.ref)"])
            let start = StartTransactionRequest(
                connectorId: transaction.connector, idTag: transaction.idTag, meterStart: Int(transaction.meterStart),
                reservationId: transaction.reservationId, timestamp: transaction.startedAt)
            enqueue(start, kind: .startTransaction, ref: transaction.ref, to: name, now: clock().millisecondsSince1970)
        }
    }

    /// A queued message was answered (or given up).
    func delivered(_ message: OutboxMessage, _ outcome: OutboxOutcome, to name: String) async {
        guard case .delivered(let result) = outcome else {
            logger.error("transaction message given up", metadata: ["operator": "\(name)", "action": "\(message.action)"])
            return
        }
        let queued = try? queue.all(operator: name).first { $0.id.rawValue == message.id }
        guard let ref = queued?.transactionRef else { return }
        switch message.action {
        case OCPPAction.startTransaction.rawValue:
            guard let confirmation = try? result.decode(StartTransactionResponse.self) else { return }
            ids.record(confirmation.transactionId, ref: ref, for: name)
            // Only the verdict of the transaction's own authority counts.
            let transaction = await chargePoint.transactions.first { $0.ref == ref }
            if let transaction, transaction.authority == name {
                await chargePoint.startConfirmed(ref: ref, idTagInfo: confirmation.idTagInfo, now: clock())
            } else if confirmation.idTagInfo.status != .accepted {
                logger.info("a non-authority refused an idTag: ignored", metadata: ["operator": "\(name)", "status": "\(confirmation.idTagInfo.status.rawValue)"])
            }
        case OCPPAction.stopTransaction.rawValue:
            // The id is no longer needed once the stop is through.
            ids.forget(ref: ref, for: name)
        default:
            break
        }
    }

    /// Heartbeats, each operator on its own schedule.
    public func tick() async {
        let now = clock()
        for session in sessions.values where await session.state.heartbeatDue(at: now) {
            session.post(HeartbeatRequest())
        }
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
            for ref in refs { if let id = ids.id(of: ref, for: entry.name) { known[ref] = id } }
            lines.append(
                Overview(
                    name: entry.name, role: entry.role, url: entry.url, isAuthority: entry.name == authority,
                    enabled: entry.enabled, link: link, registration: registration,
                    queueDepth: (try? queue.count(operator: entry.name)) ?? 0, transactionIds: known))
        }
        return lines
    }
}
