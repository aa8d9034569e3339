import OCPP16

extension Link {
    /// Tells the link that messages were added to its outbox, so a waiting drain resumes.
    public func outboxChanged() {
        if outboxWaiter == nil { outboxRung = true }
        wakeOutboxDrain()
    }

    func wakeOutboxDrain() {
        let waiter = outboxWaiter
        outboxWaiter = nil
        waiter?.resume()
    }

    private func waitForOutbox() async {
        if outboxRung {
            outboxRung = false
            return
        }
        await withCheckedContinuation { outboxWaiter = $0 }
    }

    /// Sends the outbox's messages in order for as long as connection `number` is open.
    ///
    /// A CALLERROR or a missing answer counts as a failed attempt; after
    /// TransactionMessageAttempts the message is given up. A closed connection is not an
    /// attempt: the message stays at the head and goes first after the reconnect.
    func drainOutbox(connection number: UInt64) async {
        guard let outbox else { return }
        while number == connectionNumber, connection != nil, !Task.isCancelled {
            let message: OutboxMessage?
            do {
                message = try await outbox.peek()
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                guard await pauseDrain(Self.storeRetryInterval) else { return }
                continue
            }
            guard let message else {
                // The connection may have ended while the outbox was read; its end
                // woke nobody then, so waiting now would never end.
                guard number == connectionNumber, connection != nil else { return }
                await waitForOutbox()
                continue
            }
            do {
                let result = try await send(Call(messageId: "", action: message.action, payload: message.payload), isPriority: false)
                await handleOutboxOutcome?(message, .delivered(result))
                try await remove(message, from: outbox)
            } catch {
                guard await failedAttempt(of: message, error, in: outbox) else { return }
            }
        }
    }

    /// Books a failed attempt; false when draining must stop for this connection.
    private func failedAttempt(of message: OutboxMessage, _ error: any Error, in outbox: any DurableOutbox) async -> Bool {
        guard let error = error as? LinkError else {
            // The store failed, not the delivery: try again soon, since the
            // Central System is not at fault (the message may go twice).
            logger.error("cannot update the outbox", metadata: ["error": "\(error)"])
            return await pauseDrain(Self.storeRetryInterval)
        }
        switch error {
        case .callError, .timedOut, .invalidResponse:
            break
        default:
            return false
        }
        do {
            let attempts = try await outbox.recordAttempt(message)
            guard attempts < configuration.transactionMessageAttempts else {
                logger.error(
                    "queued message given up",
                    metadata: ["action": "\(message.action)", "attempts": "\(attempts)", "reason": "\(error)"])
                await handleOutboxOutcome?(message, .abandoned(error))
                try await remove(message, from: outbox)
                return true
            }
            logger.warning(
                "queued message failed, will retry",
                metadata: ["action": "\(message.action)", "attempts": "\(attempts)", "reason": "\(error)"])
            return await pauseDrain(configuration.transactionMessageRetryInterval * attempts)
        } catch {
            logger.error("cannot update the outbox", metadata: ["error": "\(error)"])
            return await pauseDrain(Self.storeRetryInterval)
        }
    }

    /// How long the drain waits when the store, not the Central System, failed.
    static let storeRetryInterval = Duration.seconds(1)

    private func remove(_ message: OutboxMessage, from outbox: any DurableOutbox) async throws {
        try await outbox.remove(message)
    }

    /// Waits before the next attempt; false if the connection ended meanwhile.
    private func pauseDrain(_ delay: Duration) async -> Bool {
        do {
            try await Task.sleep(for: delay)
        } catch {
            return false
        }
        return !Task.isCancelled
    }
}
