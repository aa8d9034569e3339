import Logging
import OCPP16

#if canImport(Glibc)
    import Glibc
#endif

/// How the agent writes a log line: one line per event, the message first,
/// then the metadata as `key=value`.
///
///     journal:  <4>link down, retrying operator=billing reason="cannot connect: ..."
///     human:    2026-11-30T12:44:11.123Z warning link down, retrying operator=billing reason="..."
///
/// Under journald the line starts with its syslog priority and carries no
/// timestamp: the journal stamps every line itself, and `journalctl -p` picks
/// lines by that priority.
enum LogFormat: Sendable, Equatable {
    case journal
    case human

    /// The format for this process: `journal` when `JOURNAL_STREAM` names
    /// standard error's device and inode (systemd sets it for a service whose
    /// output goes to the journal; a program started from that service
    /// inherits it with standard error redirected elsewhere, which the
    /// comparison catches, as sd_journal_stream_fd(3) advises).
    static func forStandardError() -> LogFormat {
        var status = stat()
        guard fstat(2, &status) == 0 else { return .human }
        let variable = getenv("JOURNAL_STREAM").map { String(cString: $0) }
        return LogFormat(journalStream: variable, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// `journal` when `journalStream` is `DEVICE:INODE` in decimal and names
    /// the given device and inode.
    init(journalStream: String?, device: UInt64, inode: UInt64) {
        let parts = journalStream?.split(separator: ":", omittingEmptySubsequences: false) ?? []
        guard parts.count == 2, let named = UInt64(parts[0]), let namedInode = UInt64(parts[1]) else {
            self = .human
            return
        }
        self = named == device && namedInode == inode ? .journal : .human
    }

    /// The syslog priority of a level (sd-daemon(3)'s `<N>` prefixes).
    static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One event as one line, with its newline; the password of any URL in
    /// it is masked, whatever part of the event it came in.
    func line(level: Logger.Level, message: String, metadata: Logger.Metadata, at time: OCPPDateTime) -> String {
        var line: String
        switch self {
        case .journal: line = "<\(Self.priority(of: level))>"
        case .human: line = "\(time) \(level) "
        }
        line += Self.escaped(message, quoting: false)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " " + Self.escaped(key, quoting: false) + "=" + Self.escaped("\(value)", quoting: true)
        }
        return Secrets.maskingURLCredentials(in: line) + "\n"
    }

    /// `text` on one line: control characters (line breaks among them) as
    /// escapes. A value (`quoting`) that is empty or holds a space, `"`, `=`
    /// or `\` is quoted, with `"` and `\` escaped, so that it reads back
    /// unambiguously.
    static func escaped(_ text: String, quoting: Bool) -> String {
        let needsQuotes =
            quoting
            && (text.isEmpty || text.unicodeScalars.contains { scalar in
                scalar == " " || scalar == "\"" || scalar == "=" || scalar == "\\" || isControl(scalar)
            })
        guard needsQuotes || text.unicodeScalars.contains(where: isControl) else { return text }
        var output = String.UnicodeScalarView()
        if needsQuotes { output.append("\"") }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": output.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": output.append(contentsOf: #"\r"#.unicodeScalars)
            case "\t": output.append(contentsOf: #"\t"#.unicodeScalars)
            case "\"" where needsQuotes: output.append(contentsOf: #"\""#.unicodeScalars)
            case "\\" where needsQuotes: output.append(contentsOf: #"\\"#.unicodeScalars)
            case _ where isControl(scalar):
                let digits = String(scalar.value, radix: 16)
                let width = scalar.value < 0x100 ? 2 : 4
                output.append(contentsOf: ((scalar.value < 0x100 ? #"\x"# : #"\u"#) + String(repeating: "0", count: width - digits.count) + digits).unicodeScalars)
            default: output.append(scalar)
            }
        }
        if needsQuotes { output.append("\"") }
        return String(output)
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators:
    /// what a terminal or a log reader could take for the end of a line.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (value >= 0x7F && value <= 0x9F) || value == 0x2028 || value == 0x2029
    }
}
