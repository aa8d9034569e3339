import Link
import Logging
import OCPP16
import Store

/// One operator's durable queue as the link sees it: each queued
/// transaction message gets this operator's own transactionId at the moment
/// it is sent, since it may have been queued before the id was known.
struct OperatorOutbox: DurableOutbox {
    let queue: MessageQueue
    let operatorName: String
    let ids: TransactionIds
    let now: @Sendable () -> Int64
    let logger: Logger

    func peek() async throws -> OutboxMessage? {
        while let queued = try queue.peek(operator: operatorName) {
            guard let value = try? JSONParser.parse(queued.payload), case .object(var payload) = value else {
                logger.error("unreadable queued payload removed", metadata: ["operator": "\(operatorName)", "action": "\(queued.action)"])
                try queue.remove(id: queued.id)
                continue
            }
            if let ref = queued.transactionRef, queued.kind != .startTransaction {
                guard let transactionId = ids.id(of: ref, for: operatorName) else {
                    // Its StartTransaction was given up: this operator has no id for it.
                    logger.error("transaction message without a transactionId dropped", metadata: ["operator": "\(operatorName)", "ref": "\(ref)"])
                    try queue.remove(id: queued.id)
                    continue
                }
                payload["transactionId"] = .integer(Int64(transactionId))
            }
            return OutboxMessage(id: queued.id.rawValue, action: queued.action, payload: payload, attempts: queued.attempts)
        }
        return nil
    }

    func remove(_ message: OutboxMessage) async throws {
        try queue.remove(id: QueuedMessage.ID(rawValue: message.id))
    }

    func recordAttempt(_ message: OutboxMessage) async throws -> Int {
        try queue.recordAttempt(id: QueuedMessage.ID(rawValue: message.id), at: now()) ?? message.attempts + 1
    }
}
