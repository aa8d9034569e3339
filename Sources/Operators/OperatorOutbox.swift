import Link
import Logging
import OCPP16
import Store

/// One operator's durable queue as the link sees it: each queued
/// transaction message gets this operator's own transactionId at the moment
/// it is sent, since it may have been queued before the id was known.
struct OperatorOutbox: DurableOutbox {
    let ledger: TransactionLedger
    let operatorName: String
    /// Told whenever a message leaves the queue.
    let progress: SessionState
    let now: @Sendable () -> Int64
    let logger: Logger

    var queue: MessageQueue { ledger.queue }

    func peek() async throws -> OutboxMessage? {
        await removeDelivered()
        while let queued = try queue.peek(operator: operatorName, after: await progress.deliveredThrough) {
            guard let value = try? JSONParser.parse(queued.payload), case .object(var payload) = value else {
                logger.error("unreadable queued payload removed", metadata: ["operator": "\(operatorName)", "action": "\(queued.action)"])
                try queue.remove(id: queued.id)
                continue
            }
            if let ref = queued.transactionRef, queued.kind != .startTransaction {
                switch try ledger.state(of: ref, for: operatorName) {
                case .known(let transactionId):
                    payload["transactionId"] = .integer(Int64(transactionId))
                case .abandoned, .unknown:
                    // Only a StartTransaction that was given up (or never
                    // queued, in records older than the ledger) gets here: a
                    // queued one is always ahead of its transaction's messages.
                    logger.error(
                        "transaction message dropped: this operator never accepted its StartTransaction",
                        metadata: ["operator": "\(operatorName)", "ref": "\(ref)", "action": "\(queued.action)"])
                    if queued.kind == .stopTransaction {
                        try ledger.finished(ref: ref, for: operatorName, messageId: queued.id)
                    } else {
                        try queue.remove(id: queued.id)
                    }
                    await progress.outboxMoved()
                    continue
                case .queued:
                    // Cannot happen while the queue is in order; keep it rather than lose it.
                    logger.critical("transaction message ahead of its StartTransaction", metadata: ["operator": "\(operatorName)", "ref": "\(ref)"])
                    return nil
                }
            }
            return OutboxMessage(
                id: queued.id.rawValue, action: queued.action, payload: payload, attempts: queued.attempts,
                transactionRef: queued.transactionRef)
        }
        return nil
    }

    /// Forgets a message; one whose answer was booked (a StartTransaction's
    /// transactionId, a StopTransaction's end) left the queue with it already.
    func remove(_ message: OutboxMessage) async throws {
        // A transaction's Start and Stop leave the queue in the commit that
        // books their answer (`Operators.delivered`): if that commit failed,
        // the message stays and goes again rather than lose the id.
        let booked = message.transactionRef != nil
            && (message.action == OCPPAction.startTransaction.rawValue || message.action == OCPPAction.stopTransaction.rawValue)
        if !booked {
            do {
                try queue.remove(id: QueuedMessage.ID(rawValue: message.id))
            } catch {
                // A full disk cannot even take a deletion. The message was
                // answered: it is skipped from now on, so that it neither goes
                // again nor holds up what is behind it, and removed as soon as
                // the disk lets it (after a restart first, it goes again).
                logger.error(
                    "cannot remove a delivered message yet: skipped, removed later",
                    metadata: ["operator": "\(operatorName)", "action": "\(message.action)", "error": "\(error)"])
                await progress.delivered(message.id)
            }
        }
        await progress.outboxMoved()
    }

    /// Removes the delivered messages whose removal could not be written
    /// before; what still cannot be removed stays skipped.
    func removeDelivered() async {
        for id in await progress.undeleted {
            do {
                try queue.remove(id: QueuedMessage.ID(rawValue: id))
                await progress.removed(id)
            } catch {
                return
            }
        }
    }

    func recordAttempt(_ message: OutboxMessage) async throws -> Int {
        try queue.recordAttempt(id: QueuedMessage.ID(rawValue: message.id), at: now()) ?? message.attempts + 1
    }
}
