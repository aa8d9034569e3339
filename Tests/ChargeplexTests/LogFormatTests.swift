import Logging
import OCPP16
import Synchronization
import Testing

@testable import chargeplex

@Suite("Log lines for journald and for a person")
struct LogFormatTests {
    static let time = OCPPDateTime(millisecondsSince1970: 1_795_000_000_123)  // 2026-11-18T11:06:40.123Z

    @Test("journald: the syslog priority first, no timestamp, message then metadata", arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func journalPriority(level: Logger.Level, priority: Int) {
        let line = LogFormat.journal.line(level: level, message: "link down", metadata: ["operator": "billing"], at: Self.time)
        #expect(line == "<\(priority)>link down operator=billing\n")
    }

    @Test("human: a UTC timestamp and the level before the message")
    func human() {
        let line = LogFormat.human.line(
            level: .warning, message: "link down", metadata: ["reason": "refused", "operator": "billing"], at: Self.time)
        #expect(line == "2026-11-18T11:06:40.123Z warning link down operator=billing reason=refused\n")
    }

    @Test("one line per event: line breaks and control characters are escaped")
    func oneLine() {
        let line = LogFormat.journal.line(
            level: .error, message: "first\nsecond\r\u{1B}[31m\u{2028}end",
            metadata: ["frame": "[2,\"a\",\n\"Reset\"]", "empty": "", "path": #"C:\x"#, "plain": "a-b.c"], at: Self.time)
        #expect(line.filter(\.isNewline).count == 1)
        #expect(
            line == #"<3>first\nsecond\r\x1b[31m\u2028end empty="" frame="[2,\"a\",\n\"Reset\"]" path="C:\\x" plain=a-b.c"# + "\n")
    }

    @Test("a URL password is masked in the message and in the metadata")
    func urlCredentials() {
        let line = LogFormat.human.line(
            level: .info, message: "fetching https://user:secret@host/fw.bin",
            metadata: ["location": "ftp://u:p4ss@10.0.0.1/logs/", "reason": "HTTP 404 for http://a:b@c/d"], at: Self.time)
        #expect(!line.contains("secret") && !line.contains("p4ss") && !line.contains("a:b@"))
        #expect(line.contains("https://user:<redacted>@host/fw.bin"))
    }

    @Test("JOURNAL_STREAM counts only when it names standard error", arguments: [
        ("2049:123456", LogFormat.journal),
        ("2049:123457", .human),
        ("2050:123456", .human),
        ("2049", .human),
        ("2049:123456:7", .human),
        ("", .human),
        ("a:b", .human),
        ("-1:123456", .human),
    ])
    func journalStream(variable: String, expected: LogFormat) {
        #expect(LogFormat(journalStream: variable, device: 2049, inode: 123_456) == expected)
    }

    @Test("no JOURNAL_STREAM: a person's format")
    func noJournalStream() {
        #expect(LogFormat(journalStream: nil, device: 2049, inode: 123_456) == .human)
    }
}

@Suite("The agent's log handler")
struct AgentLogHandlerTests {
    final class Captured: Sendable {
        let lines = Mutex<[String]>([])
        func write(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(format: LogFormat, level: Logger.Level, history: LogHistory, output: Captured) -> Logger {
        Logger(label: "chargeplex") { _ in
            var handler = AgentLogHandler(
                format: format, history: history, output: { output.write($0) }, clock: { LogFormatTests.time })
            handler.logLevel = level
            return handler
        }
    }

    @Test("under journald the journal gets priorities and the diagnostics history keeps timestamps")
    func journalAndHistory() {
        let history = LogHistory(capacity: 10)
        let output = Captured()
        var logger = logger(format: .journal, level: .info, history: history, output: output)
        logger[metadataKey: "operator"] = "home"
        logger.warning("firmware download failed", metadata: ["reason": "no https://u:pw@h/x"])
        logger.debug("not at info")
        #expect(output.all == [#"<4>firmware download failed operator=home reason="no https://u:<redacted>@h/x""# + "\n"])
        #expect(
            history.lines(from: nil, until: nil) == [
                #"2026-11-18T11:06:40.123Z warning firmware download failed operator=home reason="no https://u:<redacted>@h/x""#
            ])
    }

    @Test("the metadata of the event wins over the logger's, and an error is kept")
    func metadataMerge() {
        struct Failure: Error, CustomStringConvertible { var description: String { "disk full" } }
        let output = Captured()
        var logger = logger(format: .human, level: .trace, history: LogHistory(capacity: 10), output: output)
        logger[metadataKey: "operator"] = "home"
        logger.log(level: .trace, "ping sent", metadata: ["operator": "billing"])
        logger.error("cannot write", error: Failure())
        #expect(output.all == [
            "2026-11-18T11:06:40.123Z trace ping sent operator=billing\n",
            "2026-11-18T11:06:40.123Z error cannot write error=\"disk full\" operator=home\n",
        ])
    }
}
