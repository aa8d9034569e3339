import NIOCore
import OCPP16

extension Link {
    /// Sends a CALL and returns its typed confirmation.
    ///
    /// The call waits for its turn behind earlier calls (OCPP-J allows one outstanding CALL),
    /// then for its answer until the call timeout.
    ///
    /// - Throws: `LinkError.notOpen` when no connection is open (nothing was sent),
    ///   `.callError` for a CALLERROR, `.timedOut`, `.connectionClosed` when the connection
    ///   ended first, `.invalidResponse` when the confirmation does not decode.
    public func call<Request: OCPPRequest>(_ request: Request) async throws(LinkError) -> Request.Response {
        try await call(request, isPriority: false)
    }

    /// Sends an untyped CALL and returns the CALLRESULT as it came.
    public func call(action: String, payload: JSONObject) async throws(LinkError) -> CallResult {
        try await send(Call(messageId: "", action: action, payload: payload), isPriority: false)
    }

    func call<Request: OCPPRequest>(_ request: Request, isPriority: Bool) async throws(LinkError) -> Request.Response {
        // The payload goes out as the request writes it, without a tree in between.
        let result = try await send(Call(messageId: "", request: request), isPriority: isPriority)
        do {
            return try result.decode(Request.Response.self)
        } catch {
            throw .invalidResponse(action: Request.action.rawValue, error)
        }
    }

    /// Sends `call` under a fresh message id once it is its turn.
    func send(_ call: Call, isPriority: Bool) async throws(LinkError) -> CallResult {
        guard connection != nil else { throw .notOpen }
        let turn = try await takeTurn(isPriority: isPriority)
        defer { releaseTurn(turn) }
        // The connection may have changed while we waited; waiters are failed on close, so
        // this only guards against a connection that is closing right now.
        guard let channel = connection?.channel else { throw .notOpen }

        let messageId = nextMessageId()
        let action = call.action
        var call = call
        call.messageId = messageId
        let frame = Frame.call(call)
        let timeout = configuration.callTimeout
        let timer = Task {
            try await Task.sleep(for: timeout)
            self.expire(messageId)
        }
        defer { timer.cancel() }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                sequencer.pending = CallSequencer.PendingCall(
                    messageId: messageId, action: action, continuation: continuation)
                channel.writeAndFlush(frame).whenFailure { error in
                    Task { await self.resolve(messageId, with: .failure(.connectionClosed(reason: "write failed: \(error)"))) }
                }
            }
        } catch let error as LinkError {
            throw error
        } catch {
            throw .connectionClosed(reason: "\(error)")
        }
    }

    private func takeTurn(isPriority: Bool) async throws(LinkError) -> UInt64 {
        if let turn = sequencer.admitNow(isPriority: isPriority) { return turn }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                sequencer.wait(CallSequencer.Waiter(isPriority: isPriority, continuation: continuation))
            }
        } catch let error as LinkError {
            throw error
        } catch {
            throw .connectionClosed(reason: "\(error)")
        }
    }

    private func releaseTurn(_ turn: UInt64) {
        if let (waiter, next) = sequencer.release(turn) {
            waiter.continuation.resume(returning: next)
        }
    }

    /// Completes the pending CALL if `messageId` is its id; anything else is an answer to
    /// nothing we are waiting for (a late one, after a timeout) and is dropped.
    func resolve(_ messageId: String, with result: Result<CallResult, LinkError>) {
        guard let pending = sequencer.pending, pending.messageId == messageId else {
            logger.warning("answer with unknown message id dropped", metadata: ["messageId": "\(messageId)"])
            return
        }
        sequencer.pending = nil
        pending.continuation.resume(with: result.mapError { $0 as any Error })
    }

    private func expire(_ messageId: String) {
        guard let pending = sequencer.pending, pending.messageId == messageId else { return }
        logger.warning("CALL timed out", metadata: ["action": "\(pending.action)", "messageId": "\(messageId)"])
        resolve(messageId, with: .failure(.timedOut(action: pending.action, after: configuration.callTimeout)))
    }
}
