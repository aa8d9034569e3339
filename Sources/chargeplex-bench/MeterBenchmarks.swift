import Board

#if canImport(Glibc)
    import Glibc
#endif

/// Polls one Modbus meter at 1 s cadence, as the agent does, and reports
/// what a cycle costs: its wall time (mean, max) and the process's CPU
/// time per cycle (getrusage, user + system). Needs a meter or a peer:
///
///     chargeplex-bench meter --tcp 127.0.0.1:1502 [--unit 1] [--map eastron-sdm630] [--cycles 30]
///     chargeplex-bench meter --rtu /dev/pts/5 --baud 9600 [--unit 1] [--map eastron-sdm630] [--cycles 30]
enum MeterBenchmarks {
    struct Usage: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) async throws {
        var options: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let key = arguments[index]
            guard key.hasPrefix("--"), index + 1 < arguments.count else {
                throw Usage(description: "usage: chargeplex-bench meter (--tcp HOST:PORT | --rtu DEVICE --baud B) [--unit N] [--map NAME] [--cycles N]")
            }
            options[String(key.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        let transport: MeterSettings.Transport
        if let target = options["tcp"] {
            guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
                  (1...65_535).contains(port) else { throw Usage(description: "--tcp wants HOST:PORT") }
            transport = .tcp(host: String(target[..<colon]), port: port)
        } else if let device = options["rtu"] {
            guard let baud = Int(options["baud"] ?? "9600"), MeterSettings.standardBaudRates.contains(baud) else {
                throw Usage(description: "--baud wants a standard rate")
            }
            transport = .rtu(device: device, baud: baud, parity: .none, stopBits: 1)
        } else {
            throw Usage(description: "give --tcp HOST:PORT or --rtu DEVICE --baud B")
        }
        guard let unit = Int(options["unit"] ?? "1"), (1...247).contains(unit),
              let cycles = Int(options["cycles"] ?? "30"), (1...100_000).contains(cycles)
        else { throw Usage(description: "--unit is 1…247, --cycles 1…100000") }
        let map = try RegisterMap.load(path: RegisterMap.path(for: options["map"] ?? "eastron-sdm630", besidePinMap: "board/bench.toml"))
        let settings = MeterSettings(connector: 1, transport: transport, unit: unit, map: map)

        let (reports, reported) = AsyncStream.makeStream(of: MeterPoller.CycleReport.self)
        let (events, eventSink) = AsyncStream.makeStream(of: BoardEvent.self, bufferingPolicy: .bufferingNewest(1))
        _ = events
        let before = cpuSeconds()
        let poller = try MeterPoller(settings: [settings], continuation: eventSink, cycleReport: { reported.yield($0) })
        var times: [Double] = []
        var last = MeterCounters()
        for await report in reports {
            times.append(Double(report.counters.lastCycleMicroseconds) / 1000)
            last = report.counters
            if times.count == cycles { break }
        }
        let cpu = cpuSeconds() - before
        poller.stop()
        let mean = times.reduce(0, +) / Double(times.count)
        print("meter \(map.manufacturer) \(map.model), unit \(unit) on \(transport), \(map.registers.count) values, 1 s cadence")
        print("  \(cycles) cycles: cycle time mean \(format(mean)) ms, max \(format(times.max() ?? 0)) ms")
        print("  process CPU per cycle: \(format(cpu / Double(cycles) * 1000)) ms (user + system)")
        print("  \(last.line)")
    }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
