#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Polls a board's Modbus meters on a thread of its own (libmodbus
/// blocks) and turns what they answer into board events.
///
/// Each meter is read every `poll_ms`; a cycle that cannot keep up starts
/// the next one at once rather than piling up. A good cycle yields one
/// `.meterReading`; after `failures_before_fault` failed cycles in a row
/// the connector gets `.fault(.powerMeterFailure, active: true)`, once,
/// and `active: false` once the meter answers again, before that cycle's
/// reading. The first cycle of each meter logs its identity (where, map,
/// serial, whether it signs) once. A failed request closes a broken
/// connection, so the next cycle reconnects (TCP) or reopens the device
/// (RTU) by itself; serial and public key are read again after every
/// recovery.
///
/// Signed readings (`SignedMeters`) are taken on the same thread, between
/// two cycles, so requests to one bus never interleave.
public final class MeterPoller: SignedMeters, @unchecked Sendable {
    /// What one cycle of one meter gave, for `meter watch`.
    public struct CycleReport: Sendable {
        public var connector: Int
        public var counters: MeterCounters
        /// The reading, or nil when the cycle failed.
        public var reading: MeterReading?
        public var failure: String?
    }

    private struct Shared {
        var running = true
        var counters: [Int: MeterCounters] = [:]
        var publicKeys: [Int: String] = [:]
        var faulted: Set<Int> = []
        var serials: [Int: String] = [:]
        /// Each connector's last reading and when it came (monotonic ns).
        var lastReadings: [Int: (reading: MeterReading, at: UInt64)] = [:]
        var requests: [SignedRequest] = []
    }

    private struct SignedRequest {
        var connector: Int
        var context: SignedReadingContext
        var idTag: String?
        var answer: CheckedContinuation<SignedMeterReading?, Never>
    }

    public let settings: [MeterSettings]
    private let shared = Mutex(Shared())
    private let continuation: AsyncStream<BoardEvent>.Continuation
    private let log: BoardLog
    private let cycleReport: (@Sendable (CycleReport) -> Void)?
    /// Only the poller thread touches the meters and their buses.
    private let meters: [ModbusMeter]
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let thread = Mutex<pthread_t?>(nil)

    /// Starts polling `settings`' meters; events go to `continuation`.
    public init(
        settings: [MeterSettings], continuation: AsyncStream<BoardEvent>.Continuation,
        log: @escaping BoardLog = { _, _ in }, cycleReport: (@Sendable (CycleReport) -> Void)? = nil
    ) throws(GPIOBoardError) {
        self.settings = settings
        self.continuation = continuation
        self.log = log
        self.cycleReport = cycleReport
        var buses: [String: ModbusBus] = [:]
        meters = settings.map { meter in
            let bus = buses[meter.transport.busKey] ?? ModbusBus(transport: meter.transport)
            buses[meter.transport.busKey] = bus
            return ModbusMeter(settings: meter, bus: bus)
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw .system("cannot create the meter thread's wake pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<MeterPoller>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<MeterPoller>.fromOpaque(context).release()
            Glibc.close(wakeRead)
            Glibc.close(wakeWrite)
            throw .system("cannot start the meter thread: \(String(cString: strerror(result)))")
        }
        thread.withLock { $0 = handle }
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Stops the thread after the request under way (bounded by its
    /// time-outs) and closes the buses. Signed readings still waiting get
    /// nil. Safe to call more than once; does not end the event stream.
    public func stop() {
        let waiting = shared.withLock { shared -> [SignedRequest]? in
            guard shared.running else { return nil }
            shared.running = false
            defer { shared.requests = [] }
            return shared.requests
        }
        guard let waiting else { return }
        for request in waiting { request.answer.resume(returning: nil) }
        wake()
        if let handle = thread.withLock({ $0 }) {
            if pthread_equal(handle, pthread_self()) != 0 { pthread_detach(handle) } else { pthread_join(handle, nil) }
        }
    }

    /// The connector's counters so far; nil when it has no Modbus meter.
    public func counters(connector: Int) -> MeterCounters? {
        shared.withLock { $0.counters[connector] }
    }

    /// The connector's meter as last seen, for `chargeplex status`; nil
    /// when it has no Modbus meter. Safe from any thread.
    public func status(connector: Int) -> MeterStatus? {
        guard let settings = settings.first(where: { $0.connector == connector }) else { return nil }
        let now = monotonicNow()
        return shared.withLock { shared in
            let last = shared.lastReadings[connector]
            return MeterStatus(
                settings: settings, serial: shared.serials[connector], lastReading: last?.reading,
                lastReadingAgeMilliseconds: last.map { Int(min((now &- $0.at) / 1_000_000, UInt64(Int.max))) },
                counters: shared.counters[connector] ?? MeterCounters(),
                powerMeterFailure: shared.faulted.contains(connector))
        }
    }

    // MARK: SignedMeters

    public func signs(connector: Int) -> Bool {
        settings.contains { $0.connector == connector && $0.map.ocmf != nil }
    }

    public func publicKey(connector: Int) -> String? {
        shared.withLock { $0.publicKeys[connector] }
    }

    public func signedReading(connector: Int, context: SignedReadingContext, idTag: String?) async -> SignedMeterReading? {
        guard signs(connector: connector) else { return nil }
        return await withCheckedContinuation { answer in
            let accepted = shared.withLock { shared -> Bool in
                guard shared.running else { return false }
                shared.requests.append(SignedRequest(connector: connector, context: context, idTag: idTag, answer: answer))
                return true
            }
            if accepted { wake() } else { answer.resume(returning: nil) }
        }
    }

    // MARK: The thread

    private func wake() {
        var byte: UInt8 = 0
        _ = write(wakeWrite, &byte, 1)
    }

    private func run() {
        var due = meters.map { _ in monotonicNow() }
        var drain = [UInt8](repeating: 0, count: 64)
        while shared.withLock({ $0.running }) {
            serveSignedRequests()
            let now = monotonicNow()
            guard let next = due.indices.min(by: { due[$0] < due[$1] }) else {
                waitForWake(milliseconds: -1, drain: &drain)
                continue
            }
            if due[next] > now {
                let milliseconds = Int32(min((due[next] - now + 999_999) / 1_000_000, 60_000))
                waitForWake(milliseconds: milliseconds, drain: &drain)
                continue
            }
            let period = UInt64(meters[next].settings.pollMilliseconds) * 1_000_000
            cycle(meters[next])
            // The cadence holds; a cycle that overran starts the next at once, never a burst.
            due[next] = max(due[next] &+ period, monotonicNow())
        }
        for meter in meters { meter.bus.disconnect() }
    }

    private func waitForWake(milliseconds: Int32, drain: inout [UInt8]) {
        var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        if Glibc.poll(&descriptor, 1, milliseconds) > 0 {
            _ = drain.withUnsafeMutableBytes { read(wakeRead, $0.baseAddress, $0.count) }
        }
    }

    private func cycle(_ meter: ModbusMeter) {
        let wasFaulted = meter.isFaulted
        let result = meter.poll()
        let counters = meter.counters
        let connector = meter.connector
        let readAt = monotonicNow()
        shared.withLock { shared in
            shared.counters[connector] = counters
            if let key = meter.publicKey { shared.publicKeys[connector] = key }
            shared.serials[connector] = meter.serial
            if case .success(let sample) = result { shared.lastReadings[connector] = (sample.reading, readAt) }
            if meter.isFaulted { shared.faulted.insert(connector) } else { shared.faulted.remove(connector) }
        }
        if counters.cycles == 1 {
            if case .success = result {
                log(.info, meter.settings.identityLine(serial: meter.serial, answered: true))
            } else {
                log(.info, meter.settings.identityLine(serial: nil, answered: false))
            }
        }
        switch result {
        case .success(let sample):
            // The all-clear first: what the charge point does with this
            // reading (a swapped meter's notice) goes out with the
            // connector's real status, not Faulted.
            if wasFaulted {
                log(.info, "meter \(connector) answers again (\(meter.settings.address))")
                continuation.yield(.fault(connector: connector, fault: .powerMeterFailure, active: false))
            }
            continuation.yield(.meterReading(connector: connector, reading: sample.reading))
            cycleReport?(CycleReport(connector: connector, counters: counters, reading: sample.reading))
        case .failure(let failure):
            if meter.isFaulted && !wasFaulted {
                log(.error, "meter \(connector) does not answer (\(meter.settings.transport), unit \(meter.settings.unit)): \(failure); \(counters.line)")
                continuation.yield(.fault(connector: connector, fault: .powerMeterFailure, active: true))
            } else if !meter.isFaulted {
                log(.warning, "meter \(connector): \(failure)")
            }
            cycleReport?(CycleReport(connector: connector, counters: counters, failure: failure.description))
        }
    }

    private func serveSignedRequests() {
        while let request = shared.withLock({ $0.requests.isEmpty ? nil : $0.requests.removeFirst() }) {
            guard let meter = meters.first(where: { $0.connector == request.connector }) else {
                request.answer.resume(returning: nil)
                continue
            }
            // A meter that does not answer would only add its time-outs to
            // the charge point's wait.
            if meter.isFaulted {
                log(.warning, "meter \(meter.connector): no signed reading (\(request.context.rawValue)): the meter does not answer")
                request.answer.resume(returning: nil)
                continue
            }
            do throws(ModbusFailure) {
                let reading = try meter.signedReading(context: request.context, idTag: request.idTag)
                request.answer.resume(returning: reading)
            } catch {
                log(.error, "meter \(meter.connector): no signed reading (\(request.context.rawValue)): \(error)")
                request.answer.resume(returning: nil)
            }
            let counters = meter.counters
            shared.withLock { $0.counters[meter.connector] = counters }
        }
    }
}
