import Logging
import OCPP16
import Synchronization

/// The latest lines of the log, in memory, for GetDiagnostics and `chargeplex log`: a
/// charger often has no persistent log an operator or a technician could reach otherwise.
/// Followers (`chargeplex log -f`) get every line appended while they follow.
final class LogHistory: Sendable {
    static let shared = LogHistory(capacity: 1000)

    private struct Ring {
        var lines: [(at: Int64, text: String)] = []
        var next = 0
        var followers: [UInt64: AsyncStream<String>.Continuation] = [:]
        var lastFollower: UInt64 = 0

        /// The kept lines, oldest first.
        var ordered: ArraySlice<(at: Int64, text: String)> { lines[next...] + lines[..<next] }
    }

    private let capacity: Int
    private let ring = Mutex(Ring())

    init(capacity: Int) { self.capacity = capacity }

    func append(at time: OCPPDateTime, _ text: String) {
        ring.withLock { ring in
            if ring.lines.count < capacity {
                ring.lines.append((time.millisecondsSince1970, text))
            } else {
                ring.lines[ring.next] = (time.millisecondsSince1970, text)
                ring.next = (ring.next + 1) % capacity
            }
            for follower in ring.followers.values { follower.yield(text) }
        }
    }

    /// The newest `count` kept lines, oldest first.
    func latest(_ count: Int) -> [String] {
        ring.withLock { ring in ring.ordered.suffix(max(0, count)).map(\.text) }
    }

    /// The newest `count` kept lines, then every line appended, for as long as the stream is
    /// iterated: no line is missed or repeated between the two. A reader that falls more than
    /// the capacity behind loses the oldest of what it has not read.
    func follow(startingWith count: Int) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(capacity))
        let id = ring.withLock { ring -> UInt64 in
            for line in ring.ordered.suffix(max(0, count)) { continuation.yield(line.text) }
            ring.lastFollower += 1
            ring.followers[ring.lastFollower] = continuation
            return ring.lastFollower
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.ring.withLock { $0.followers.removeValue(forKey: id) }
        }
        return stream
    }

    /// The kept lines from `start` to `stop` (either may be open), oldest first.
    func lines(from start: OCPPDateTime?, until stop: OCPPDateTime?) -> [String] {
        ring.withLock { ring in
            ring.ordered.filter { line in
                (start.map { line.at >= $0.millisecondsSince1970 } ?? true) && (stop.map { line.at <= $0.millisecondsSince1970 } ?? true)
            }.map(\.text)
        }
    }
}
