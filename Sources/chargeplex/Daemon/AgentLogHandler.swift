import Logging
import OCPP16
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's log: each event one line on standard error, in the journal's
/// format or a person's (`LogFormat`), and a copy with its timestamp in
/// `LogHistory` for GetDiagnostics. Both go through the URL-credential
/// masking of `LogFormat.line`, so a password in a firmware or diagnostics
/// location reaches neither the journal nor an operator's report.
struct AgentLogHandler: LogHandler {
    let format: LogFormat
    let history: LogHistory
    let output: @Sendable (String) -> Void
    let clock: @Sendable () -> OCPPDateTime

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    var metadataProvider: Logger.MetadataProvider?

    init(
        format: LogFormat, history: LogHistory, output: @escaping @Sendable (String) -> Void = StandardErrorLines.write,
        clock: @escaping @Sendable () -> OCPPDateTime = WallClock.now
    ) {
        self.format = format
        self.history = history
        self.output = output
        self.clock = clock
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let now = clock()
        var all = metadataProvider?.get() ?? [:]
        all.merge(metadata) { _, handler in handler }
        all.merge(event.metadata ?? [:]) { _, explicit in explicit }
        if let error = event.error, all["error"] == nil { all["error"] = "\(error)" }
        let message = "\(event.message)"
        let human = LogFormat.human.line(level: event.level, message: message, metadata: all, at: now)
        history.append(at: now, String(human.dropLast()))
        output(format == .human ? human : format.line(level: event.level, message: message, metadata: all, at: now))
    }
}

/// Whole lines to file descriptor 2, one `write` each where the kernel
/// allows, so that lines from several threads never interleave.
enum StandardErrorLines {
    private static let lock = Mutex(())

    @Sendable static func write(_ line: String) {
        let bytes = Array(line.utf8)
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // nowhere left to say it
                }
            }
        }
    }
}
