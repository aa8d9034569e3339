import Logging
import OCPP16
import Synchronization

/// The latest lines of the log, in memory, for GetDiagnostics: a charger
/// often has no persistent log an operator could reach otherwise.
final class LogHistory: Sendable {
    static let shared = LogHistory(capacity: 1000)

    private struct Ring {
        var lines: [(at: Int64, text: String)] = []
        var next = 0
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
        }
    }

    /// The kept lines from `start` to `stop` (either may be open), oldest first.
    func lines(from start: OCPPDateTime?, until stop: OCPPDateTime?) -> [String] {
        ring.withLock { ring in
            let ordered = ring.lines[ring.next...] + ring.lines[..<ring.next]
            return ordered.filter { line in
                (start.map { line.at >= $0.millisecondsSince1970 } ?? true) && (stop.map { line.at <= $0.millisecondsSince1970 } ?? true)
            }.map(\.text)
        }
    }
}
