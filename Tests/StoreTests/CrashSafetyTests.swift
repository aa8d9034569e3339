import Foundation
import Testing

@testable import Store

/// Kills a writer with SIGKILL mid-run, over and over, and checks that every commit it
/// reported is on disk exactly once, in order, with nothing half-written.
@Suite("Crash safety")
struct CrashSafetyTests {
    static let total = 1000

    /// Numbers the probe reported as committed, with the sequence it reported for each.
    struct Reports {
        var sequences: [Int64: Int64] = [:]

        /// Parses `committed <number> <sequence>`.
        mutating func record(_ line: String) throws {
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[0] == "committed", let number = Int64(fields[1]),
                let sequence = Int64(fields[2])
            else {
                Issue.record("unexpected probe output: \(line)")
                return
            }
            #expect(sequences[number] == nil, "number \(number) reported twice")
            sequences[number] = sequence
        }
    }

    /// The numbers in the file, after checking they are 0..<n in FIFO order with no gaps.
    func verifiedNumbers(in path: String, reports: Reports) throws -> [Int64] {
        let database = try Database(path: path)
        defer { database.close() }
        let messages = try MessageQueue(database: database).all(operator: "probe")
        let numbers = messages.compactMap(\.transactionRef)
        #expect(numbers.count == messages.count)
        let misplaced = numbers.enumerated().first { $0.offset != $0.element }
        #expect(misplaced == nil, "the file must hold 0..<n once each, in order; first misplaced: \(String(describing: misplaced))")
        for message in messages {
            let number = try #require(message.transactionRef)
            #expect(String(decoding: message.payload, as: UTF8.self) == "{\"number\":\(number)}")
            if let reported = reports.sequences[number] {
                #expect(reported == message.id.rawValue, "number \(number) moved")
            }
        }
        let present = Set(numbers)
        let lost = reports.sequences.keys.filter { !present.contains($0) }.sorted()
        #expect(lost.isEmpty, "reported as committed but missing: \(lost.prefix(10))")
        return numbers
    }

    @Test("SIGKILL at random moments loses no reported commit and duplicates nothing")
    func killedWriter() throws {
        let probe = try ProbeProcess.executable()
        let directory = try TemporaryDirectory()
        let path = directory.path("probe.db")
        var reports = Reports()
        var kills = 0
        var committed = 0

        // A round reads at most 80 lines and the one-page pipe lets the probe run at most
        // ~300 lines further, so below 600 the probe cannot have finished when it is killed.
        while committed < 600, kills < 12 {
            let run = try ProbeProcess(executable: probe, database: path, count: Self.total)
            let linesBeforeKill = Int.random(in: 1...80)
            for _ in 0..<linesBeforeKill {
                let line = try #require(run.readLine(), "probe ended before it was killed: \(run.wait().stderr)")
                try reports.record(line)
            }
            run.kill()
            // What the probe flushed before dying was committed before it was printed.
            while let line = run.readLine() { try reports.record(line) }
            let end = run.wait()
            #expect(end.reason == .uncaughtSignal && end.status == SIGKILL, "probe was not killed: \(end)")
            kills += 1

            let numbers = try verifiedNumbers(in: path, reports: reports)
            // A kill between a commit and its print leaves at most one unreported message
            // past the last reported one.
            let lastReported = try #require(reports.sequences.keys.max())
            #expect((lastReported + 1...lastReported + 2).contains(Int64(numbers.count)))
            #expect(numbers.count > committed, "the probe made no progress")
            committed = numbers.count
        }
        #expect(kills >= 2)

        let last = try ProbeProcess(executable: probe, database: path, count: Self.total)
        while let line = last.readLine() { try reports.record(line) }
        let end = last.wait()
        #expect(end.reason == .exit && end.status == 0, "final run failed: \(end.stderr)")

        let numbers = try verifiedNumbers(in: path, reports: reports)
        #expect(numbers.count == Self.total)
        #expect(reports.sequences.count >= Self.total - kills)
    }
}
