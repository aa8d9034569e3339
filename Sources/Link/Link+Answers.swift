import NIOCore
import OCPP16

/// The Central System's CALLs: answered in the order they came, a flood
/// refused, and the answers due let out before a shutdown's close frame.
extension Link {
    /// How many of the Central System's CALLs may wait for their answer. OCPP-J
    /// allows one; a few more are tolerated, and beyond them a flood is refused
    /// rather than held in memory.
    public static let maximumWaitingCalls = 16

    /// Refuses a CALL that found too many before it. A peer that no longer
    /// reads our answers is not answered but disconnected.
    func refuse(_ call: Call, on channel: any Channel) {
        guard channel.isWritable else {
            logger.warning("peer floods calls and reads no answers, closing", metadata: ["id": "\(call.messageId)"])
            closingReason = .protocolViolation("the server sent calls without reading the answers")
            channel.close(promise: nil)
            return
        }
        logger.warning("too many calls waiting, refused", metadata: ["id": "\(call.messageId)", "action": "\(call.action)"])
        let refusal = CallError(
            messageId: call.messageId, errorCode: .genericError,
            errorDescription: "\(Self.maximumWaitingCalls) calls are already waiting for an answer")
        channel.writeAndFlush(Frame.callError(refusal), promise: nil)
    }

    /// Answers the Central System's CALLs in the order they came.
    nonisolated func answer(_ calls: AsyncStream<Call>, on channel: any Channel, connection number: UInt64) async {
        for await call in calls {
            var answer = await handleCall(call)
            switch answer {
            case .callResult(let result) where result.messageId == call.messageId: break
            case .callError(let error) where error.messageId == call.messageId: break
            default:
                answer = .callError(
                    CallError(messageId: call.messageId, errorCode: .internalError, errorDescription: "no answer produced"))
            }
            channel.writeAndFlush(answer, promise: nil)
            await answerWritten(connection: number)
        }
    }

    /// Counts an answer handed to the channel. Writes leave in the order
    /// they are made, so a close frame written after it follows it on the wire.
    private func answerWritten(connection number: UInt64) {
        guard number == connectionNumber else { return }
        answersWritten += 1
        for (token, waiter) in answerWaiters where waiter.target <= answersWritten {
            stopWaitingForAnswers(token)
        }
    }

    /// Waits until every CALL taken in so far has its answer written, the
    /// connection has ended, or `limit` has passed: a handler that hangs
    /// must not hold up the shutdown for longer.
    func waitForAnswers(within limit: Duration) async {
        let target = callsTaken
        guard connection != nil, answersWritten < target else { return }
        lastAnswerWaiter += 1
        let token = lastAnswerWaiter
        let timer = Task {
            try? await Task.sleep(for: limit)
            self.stopWaitingForAnswers(token)
        }
        await withCheckedContinuation { answerWaiters[token] = (target, $0) }
        timer.cancel()
    }

    func stopWaitingForAnswers(_ token: UInt64) {
        answerWaiters.removeValue(forKey: token)?.continuation.resume()
    }
}
