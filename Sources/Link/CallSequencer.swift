import OCPP16

/// Enforces OCPP-J's rule that a side has at most one CALL outstanding: callers take turns
/// in arrival order, and the one holding the turn has its CALL pending until the answer.
///
/// While a connection is opening, only priority callers (the opening hook, which must send
/// BootNotification first) are let through; the others wait in line behind them.
struct CallSequencer {
    struct Waiter {
        let isPriority: Bool
        /// Resumed with the waiter's turn number once it holds the turn.
        let continuation: CheckedContinuation<UInt64, any Error>
    }

    struct PendingCall {
        let messageId: String
        let action: String
        let continuation: CheckedContinuation<CallResult, any Error>
    }

    /// The turn currently held, if any. Numbers are never reused, so a late release of an
    /// old turn cannot free a newer one.
    private(set) var currentTurn: UInt64?
    private var lastTurn: UInt64 = 0
    private var waiters: [Waiter] = []
    private(set) var admitsRegularCalls = true
    var pending: PendingCall?

    /// Takes the turn at once if it is free and nobody eligible is waiting.
    mutating func admitNow(isPriority: Bool) -> UInt64? {
        guard currentTurn == nil, isPriority || admitsRegularCalls,
            !waiters.contains(where: { $0.isPriority || admitsRegularCalls })
        else { return nil }
        return takeTurn()
    }

    mutating func wait(_ waiter: Waiter) {
        waiters.append(waiter)
    }

    /// Ends `turn` and hands the next one over; the returned waiter must be resumed with it.
    mutating func release(_ turn: UInt64) -> (Waiter, UInt64)? {
        guard currentTurn == turn else { return nil }
        currentTurn = nil
        return handOver()
    }

    /// Lets regular callers through again once the opening hook is done.
    mutating func admitRegularCalls() -> (Waiter, UInt64)? {
        admitsRegularCalls = true
        return handOver()
    }

    /// A new connection: only priority callers until `admitRegularCalls()`.
    mutating func connectionOpened(hasOpeningHook: Bool) {
        admitsRegularCalls = !hasOpeningHook
    }

    /// The connection ended: everything waiting or pending is handed back to be failed.
    mutating func connectionClosed() -> (PendingCall?, [Waiter]) {
        let result = (pending, waiters)
        pending = nil
        waiters = []
        currentTurn = nil
        return result
    }

    private mutating func handOver() -> (Waiter, UInt64)? {
        guard currentTurn == nil,
            let index = waiters.firstIndex(where: { $0.isPriority || admitsRegularCalls })
        else { return nil }
        let waiter = waiters.remove(at: index)
        return (waiter, takeTurn())
    }

    private mutating func takeTurn() -> UInt64 {
        lastTurn += 1
        currentTurn = lastTurn
        return lastTurn
    }
}
