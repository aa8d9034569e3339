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

/// Writes to standard error as before and keeps a copy in `LogHistory`.
struct RecordingLogHandler: LogHandler {
    var output: StreamLogHandler
    let label: String
    let history: LogHistory

    var metadata: Logger.Metadata {
        get { output.metadata }
        set { output.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { output.metadataProvider }
        set { output.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { output[metadataKey: key] }
        set { output[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        output.log(event: event)
        let now = WallClock.now()
        let all = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        let details = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        history.append(at: now, "\(now) \(event.level) \(label): \(event.message)" + (details.isEmpty ? "" : " " + details))
    }
}
