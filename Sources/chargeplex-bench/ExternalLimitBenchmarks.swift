import Board
import ChargePoint
import Configuration
import OCPP16
import Synchronization

/// The grid operator's control contact to the new current on the board: a simulated charger
/// with three operators (billing and two data-control, Python Central Systems on loopback),
/// a transaction charging, and the contact closing and opening in turn. Measured as the agent
/// runs: from the event entering the board's event stream, through the daemon's event loop
/// and the charge point, to the board being given the current limit.
enum ExternalLimitBenchmarks {
    static let count = 400
    static let warmUp = 20

    /// Commands to the board as they came, each with its monotonic time.
    final class CommandLog: Sendable {
        private let entries = Mutex<[(time: Double, amperes: Double)]>([])

        func record(_ command: BoardCommand) {
            guard case .currentLimit(1, let amperes) = command else { return }
            let time = Measure.now()
            entries.withLock { $0.append((time, amperes)) }
        }

        /// The time of the first current limit of `amperes` given at or after `start`.
        func given(_ amperes: Double, after start: Double) -> Double? {
            entries.withLock { entries in
                entries.first { $0.time >= start && abs($0.amperes - amperes) < 1e-9 }?.time
            }
        }
    }

    static func run() async throws {
        let log = CommandLog()
        try await Quiet.logs {
            try await OperatorRig.with(
                roles: [.billing, .dataControl, .dataControl], connectors: 1, likeTheAgent: true,
                commands: { log.record($0) }
            ) { rig in
                rig.board.plug(1)
                rig.board.swipe(ChargePointBenchmarks.card, at: 1)
                try await Poll.until("a transaction charging", within: 30) {
                    await rig.chargePoint.snapshot().first?.status == .charging
                }
                try await rig.waitUntilQueuesEmpty()

                let limited = rig.board.limitContactWatts / (rig.board.voltage * Double(rig.board.phases))
                let free = await rig.chargePoint.maximumCurrent
                var samples: [Double] = []
                for index in 0..<(warmUp + count) {
                    let closing = index % 2 == 0
                    let start = Measure.now()
                    rig.board.setLimitContact(closing)
                    let given = try await Poll.until("the current limit on the board") {
                        log.given(closing ? limited : free, after: start)
                    }
                    if index >= warmUp { samples.append(given - start) }
                    // The DataTransfers to the three operators leave meanwhile: each event starts
                    // on quiet links.
                    try await Task.sleep(for: .milliseconds(10))
                }
                guard await rig.chargePoint.transactions.count == 1 else { throw BenchFailure("the transaction ended") }
                let mean = samples.reduce(0, +) / Double(samples.count) * 1e6
                let max = (samples.max() ?? 0) * 1e6
                print("  control contact → current limit on the board, 3 operators: mean \(Measure.format(mean)) µs"
                    + "   max \(Measure.format(max)) µs   (\(count) changes, \(count / 2) each way)")
            }
        }
    }
}
