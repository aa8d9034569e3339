// Crash-safety probe for the Store: enqueues numbered messages into a database file and
// reports each one on stdout only after its commit returned. A test kills this process at
// random points and checks that the file agrees with what was reported.
//
//     chargeplex-store-probe <database-file> <count>
//
// Each run continues after the highest number already in the file, so a killed run can be
// restarted until all of 0..<count are queued. Output lines: `committed <number> <sequence>`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Store

let probeOperator = "probe"

func fail(_ message: String) -> Never {
    let line = Array("chargeplex-store-probe: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int64(arguments[2]), count >= 0 else {
    fail("usage: chargeplex-store-probe <database-file> <count>")
}

do {
    let database = try Database(path: arguments[1])
    // `.other` is never dropped, so a duplicate or lost message cannot hide behind eviction.
    let queue = try MessageQueue(database: database, capacityPerOperator: Int(count))
    let resumeAt = (try queue.all(operator: probeOperator).last?.transactionRef).map { $0 + 1 } ?? 0
    for number in resumeAt..<max(resumeAt, count) {
        let payload = Array("{\"number\":\(number)}".utf8)
        let result = try queue.enqueue(
            operator: probeOperator, action: "DataTransfer", payload: payload, kind: .other,
            transactionRef: number, at: number)
        print("committed \(number) \(result.message.id.rawValue)")
        // Unflushed output would make the test believe fewer messages were committed.
        // A null stream flushes all of them, without touching the C global `stdout`.
        fflush(nil)
    }
} catch {
    fail("\(error)")
}
