import Logging
import OCPP16
import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One operator's share of the Store's `MessageQueue`, as a link's outbox.
///
/// Payloads are stored as JSON text; one that no longer reads as a JSON object can never be
/// sent and would block everything behind it, so it is logged and removed.
public struct MessageQueueOutbox: DurableOutbox {
    public let queue: MessageQueue
    public let operatorName: String
    private let now: @Sendable () -> Int64
    private let logger: Logger

    /// - Parameter now: milliseconds since 1970, stamped on each recorded attempt.
    public init(
        queue: MessageQueue, operatorName: String,
        now: @escaping @Sendable () -> Int64 = MessageQueueOutbox.wallClockMilliseconds,
        logger: Logger = Logger(label: "chargeplex.link.outbox")
    ) {
        self.queue = queue
        self.operatorName = operatorName
        self.now = now
        self.logger = logger
    }

    public func peek() async throws -> OutboxMessage? {
        while let queued = try queue.peek(operator: operatorName) {
            if let value = try? JSONParser.parse(queued.payload), case .object(let payload) = value {
                return OutboxMessage(
                    id: queued.id.rawValue, action: queued.action, payload: payload, attempts: queued.attempts)
            }
            logger.error(
                "unreadable queued payload removed",
                metadata: ["operator": "\(operatorName)", "action": "\(queued.action)", "id": "\(queued.id)"])
            try queue.remove(id: queued.id)
        }
        return nil
    }

    public func remove(_ message: OutboxMessage) async throws {
        try queue.remove(id: QueuedMessage.ID(rawValue: message.id))
    }

    public func recordAttempt(_ message: OutboxMessage) async throws -> Int {
        try queue.recordAttempt(id: QueuedMessage.ID(rawValue: message.id), at: now()) ?? message.attempts + 1
    }

    /// The system's wall clock in milliseconds since 1970.
    @Sendable public static func wallClockMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
