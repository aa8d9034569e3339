import CAllocCounter

#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock and allocation measurement without Foundation.
enum Measure {
    /// Monotonic seconds.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Runs `body` repeatedly for about `seconds`; returns calls per second.
    static func rate(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<200 { try body() }  // warm up
        var count = 0
        let start = now()
        var elapsed = 0.0
        repeat {
            for _ in 0..<100 { try body() }
            count += 100
            elapsed = now() - start
        } while elapsed < seconds
        return Double(count) / elapsed
    }

    /// Heap allocations (count, bytes) made by one call of `body`, averaged.
    static func allocations(iterations: Int = 1000, _ body: () throws -> Void) rethrows -> (count: Double, bytes: Double) {
        try body()
        chargeplex_alloc_counter_start()
        for _ in 0..<iterations { try body() }
        chargeplex_alloc_counter_stop()
        return (
            Double(chargeplex_alloc_counter_count()) / Double(iterations),
            Double(chargeplex_alloc_counter_bytes()) / Double(iterations)
        )
    }

    /// Runs a shell command and returns its standard output lines.
    static func shell(_ command: String) -> [String] {
        guard let pipe = popen(command, "r") else { return [] }
        defer { pclose(pipe) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), pipe) != nil {
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            lines.append(line.hasSuffix("\n") ? String(line.dropLast()) : line)
        }
        return lines
    }

    static func format(_ value: Double, decimals: Int = 0) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return decimals == 0 ? String(Int(rounded)) : String(rounded)
    }

    /// VmRSS, with its anonymous part (heap, stacks: the process's own) and
    /// its file part (code and libraries, shared and reclaimable).
    static func resident() -> String {
        guard let file = fopen("/proc/self/status", "r") else { return "?" }
        defer { fclose(file) }
        var fields: [String: String] = [:]
        var buffer = [CChar](repeating: 0, count: 256)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            for name in ["VmRSS", "RssAnon", "RssFile"] where line.hasPrefix(name + ":") {
                fields[name] = String(line.dropFirst(name.count + 1).filter { !$0.isWhitespace })
            }
        }
        return "\(fields["VmRSS"] ?? "?") (anonymous \(fields["RssAnon"] ?? "?"), file \(fields["RssFile"] ?? "?"))"
    }
}
