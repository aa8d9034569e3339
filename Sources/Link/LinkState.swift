/// Where a link is in its life, for status displays and for waiting on it.
public enum LinkState: Sendable, Equatable, CustomStringConvertible {
    /// Not running: before `run()` and after it returned.
    case closed
    /// Opening TCP, TLS and the WebSocket.
    case connecting
    /// The WebSocket is up.
    case open
    /// Waiting before the next attempt, because of `reason`.
    case backingOff(until: ContinuousClock.Instant, reason: String)

    public var description: String {
        switch self {
        case .closed: "closed"
        case .connecting: "connecting"
        case .open: "open"
        case .backingOff(let until, let reason):
            "retrying in \(Self.seconds(until - .now)) s (\(reason))"
        }
    }

    /// Tenths of a second are enough for a person reading a status line.
    static func seconds(_ duration: Duration) -> String {
        let tenths = max(0, ReconnectBackoff.nanoseconds(duration) / 100_000_000)
        return "\(tenths / 10).\(tenths % 10)"
    }
}
