// Chargeplex benchmarks: each suite prints its figures. Not a test: it
// measures and reports, it does not pass or fail.
//
//     swift run -c release chargeplex-bench            # every suite
//     swift run -c release chargeplex-bench frames     # one suite
//     swift run -c release chargeplex-bench meter --tcp 127.0.0.1:1502   # a Modbus meter (MeterBenchmarks)

/// Every suite by name, in the order they run.
let suites: [(name: String, run: () async throws -> Void)] = [
    ("frames", FrameBenchmarks.run),
    ("link", LinkBenchmarks.run),
    ("swipe", ChargePointBenchmarks.run),
    ("fanout", OperatorsBenchmarks.fanout),
    ("memory", OperatorsBenchmarks.memory),
    ("renewal", RenewalBenchmarks.run),
]

// The meter suite needs a meter (or a peer playing one) and takes options.
if CommandLine.arguments.dropFirst().first == "meter" {
    try await MeterBenchmarks.run(Array(CommandLine.arguments.dropFirst(2)))
} else {
    let wanted = Set(CommandLine.arguments.dropFirst())
    for suite in suites where wanted.isEmpty || wanted.contains(suite.name) {
        print("== \(suite.name)")
        try await suite.run()
    }
}
