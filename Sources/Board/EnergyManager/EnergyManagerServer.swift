import CModbus
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A Modbus/TCP server a local energy manager writes its power limit to
/// (`ExternalLimitSource.energyManager`), on a thread of its own.
///
/// Registers (unit id `EnergyManagerSettings.unit`; requests to any other
/// unit get no answer):
/// - holding register 0: the limit in W, 0…65534; 65535 = no limit (its
///   value at start). Function 03 reads it, 06 and 16 write it.
/// - input register 0: the limit the charger applies, the lowest of every
///   external source it knows (this one and the control contact), W;
///   65535 = none; a limit above 65534 W reads as 65534.
/// Any other register is refused with exception 02 (illegal data address).
///
/// One client at a time: a new connection replaces the one before. Each
/// change of holding register 0 becomes `.externalLimit(source:
/// .energyManager, watts:)`; one with `watts: nil` is yielded at start.
/// With a time-out, a limit whose energy manager has written nothing for
/// that long ends by itself, with a warning.
public final class EnergyManagerServer: @unchecked Sendable {
    /// 65535 in holding register 0: no limit.
    public static let noLimit: UInt16 = 0xFFFF

    public let settings: EnergyManagerSettings
    /// The port listened on (the system's choice when `settings.port` is 0).
    public let port: Int

    private struct Shared {
        var running = true
        /// The other sources' limits, for input register 0.
        var others: [ExternalLimitSource: Double] = [:]
    }

    private let shared = Mutex(Shared())
    private let continuation: AsyncStream<BoardEvent>.Continuation
    private let log: BoardLog
    private let thread = Mutex<pthread_t?>(nil)
    // Only the server thread uses these after `init`.
    private let context: OpaquePointer
    private let mapping: UnsafeMutablePointer<modbus_mapping_t>
    private let listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Listens on `settings`' address and port; events go to `continuation`.
    public init(
        settings: EnergyManagerSettings, continuation: AsyncStream<BoardEvent>.Continuation,
        log: @escaping BoardLog = { _, _ in }
    ) throws(GPIOBoardError) {
        let opened = try Self.open(settings)
        (context, mapping, listener, port, wakeRead, wakeWrite) = opened
        self.settings = settings
        self.continuation = continuation
        self.log = log
        continuation.yield(.externalLimit(source: .energyManager, watts: nil))
        var handle = pthread_t()
        let retained = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<EnergyManagerServer>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, retained)
        guard result == 0 else {
            Unmanaged<EnergyManagerServer>.fromOpaque(retained).release()
            shared.withLock { $0.running = false }
            throw .system("energy manager: cannot start its thread: \(String(cString: strerror(result)))")
        }
        thread.withLock { $0 = handle }
        log(.info, "energy manager: listening on \(settings.address):\(port), unit \(settings.unit)")
    }

    /// The context, its registers, the listening socket, its port and the wake pipe.
    private static func open(_ settings: EnergyManagerSettings) throws(GPIOBoardError) -> (
        OpaquePointer, UnsafeMutablePointer<modbus_mapping_t>, Int32, Int, Int32, Int32
    ) {
        let place = "\(settings.address):\(settings.port)"
        guard let context = modbus_new_tcp(settings.address, Int32(settings.port)) else {
            throw .system("energy manager: cannot listen on \(place): \(String(cString: modbus_strerror(errno)))")
        }
        guard let mapping = modbus_mapping_new(0, 0, 1, 1) else {
            modbus_free(context)
            throw .system("energy manager: no memory for the registers")
        }
        mapping.pointee.tab_registers[0] = Self.noLimit
        mapping.pointee.tab_input_registers[0] = Self.noLimit
        let listener = modbus_tcp_listen(context, 1)
        guard listener >= 0 else {
            let reason = String(cString: strerror(errno))
            modbus_mapping_free(mapping)
            modbus_free(context)
            throw .system("energy manager: cannot listen on \(place): \(reason)")
        }
        _ = fcntl(listener, F_SETFD, FD_CLOEXEC)
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(listener)
            modbus_mapping_free(mapping)
            modbus_free(context)
            throw .system("energy manager: cannot create the wake pipe: \(reason)")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        return (context, mapping, listener, port, ends[0], ends[1])
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
        // The thread closes it when it ends; one that never started cannot.
        if thread.withLock({ $0 }) == nil { Glibc.close(listener) }
        modbus_mapping_free(mapping)
        modbus_free(context)
    }

    /// Stops listening, drops the client and joins the thread. Safe to
    /// call more than once; does not end the event stream.
    public func stop() {
        let first = shared.withLock { shared -> Bool in
            defer { shared.running = false }
            return shared.running
        }
        guard first else { return }
        var byte: UInt8 = 0
        _ = write(wakeWrite, &byte, 1)
        if let handle = thread.withLock({ $0 }) {
            if pthread_equal(handle, pthread_self()) != 0 { pthread_detach(handle) } else { pthread_join(handle, nil) }
        }
    }

    /// Another source's limit (the control contact), for input register 0.
    public func note(_ event: BoardEvent) {
        guard case .externalLimit(let source, let watts) = event, source != .energyManager else { return }
        shared.withLock { $0.others[source] = watts }
    }

    // MARK: The thread

    private func run() {
        var client: Int32 = -1
        var lastWrite = monotonicNow()
        var query = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        var drain = [UInt8](repeating: 0, count: 64)
        while shared.withLock({ $0.running }) {
            var descriptors = [
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
            ]
            let ready = Glibc.poll(&descriptors, client >= 0 ? 3 : 2, waitMilliseconds(since: lastWrite))
            if ready < 0 && errno != EINTR {
                log(.error, "energy manager: poll failed: \(String(cString: strerror(errno)))")
                break
            }
            if descriptors[0].revents != 0 {
                _ = drain.withUnsafeMutableBytes { read(wakeRead, $0.baseAddress, $0.count) }
                continue
            }
            if descriptors[1].revents & Int16(POLLIN) != 0 {
                var socket = listener
                let accepted = modbus_tcp_accept(context, &socket)
                if accepted >= 0 {
                    _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
                    if client >= 0 {
                        log(.info, "energy manager: a new connection replaces the one before")
                        Glibc.close(client)
                    }
                    client = accepted
                }
            }
            if client >= 0, descriptors[2].revents != 0, descriptors[2].fd == client {
                modbus_set_socket(context, client)
                let length = modbus_receive(context, &query)
                if length < 0 {
                    Glibc.close(client)
                    client = -1
                } else if length > 0 {
                    if answer(query, length: length) { lastWrite = monotonicNow() }
                }
            }
            expireIfSilent(since: lastWrite)
        }
        if client >= 0 { Glibc.close(client) }
        Glibc.close(listener)
    }

    /// Answers one request; true when it wrote holding register 0.
    private func answer(_ query: [UInt8], length: Int32) -> Bool {
        let header = Int(modbus_get_header_length(context))
        guard Int(length) > header + 4, Int(query[header - 1]) == settings.unit else { return false }
        mapping.pointee.tab_input_registers[0] = limitInForce()
        let before = mapping.pointee.tab_registers[0]
        guard modbus_reply(context, query, length, mapping) >= 0 else { return false }
        let after = mapping.pointee.tab_registers[0]
        if after != before {
            continuation.yield(.externalLimit(source: .energyManager, watts: after == Self.noLimit ? nil : Double(after)))
            log(.info, "energy manager: limit \(after == Self.noLimit ? "none" : "\(after) W")")
        }
        return Self.writesRegisterZero(query, header: header)
    }

    /// Function 06 or 16 (one register) or 23 whose write part is register 0 alone.
    private static func writesRegisterZero(_ query: [UInt8], header: Int) -> Bool {
        func word(_ at: Int) -> Int { Int(query[header + at]) << 8 | Int(query[header + at + 1]) }
        switch query[header] {
        case 0x06: return word(1) == 0
        case 0x10: return word(1) == 0 && word(3) == 1
        case 0x17: return word(5) == 0 && word(7) == 1
        default: return false
        }
    }

    /// The lowest external limit the charger knows of, as input register 0 gives it.
    private func limitInForce() -> UInt16 {
        var lowest = shared.withLock { $0.others.values.min() }
        let own = mapping.pointee.tab_registers[0]
        if own != Self.noLimit { lowest = min(lowest ?? .infinity, Double(own)) }
        guard let lowest, lowest.isFinite, lowest >= 0 else { return Self.noLimit }
        return UInt16(min(lowest.rounded(), Double(Self.noLimit - 1)))
    }

    /// How long poll may wait: until the time-out of a limit in force, at most a minute.
    private func waitMilliseconds(since lastWrite: UInt64) -> Int32 {
        guard settings.timeoutSeconds > 0, mapping.pointee.tab_registers[0] != Self.noLimit else { return 60_000 }
        let deadline = lastWrite &+ UInt64(settings.timeoutSeconds) * 1_000_000_000
        let now = monotonicNow()
        guard deadline > now else { return 0 }
        return Int32(min((deadline - now + 999_999) / 1_000_000, 60_000))
    }

    private func expireIfSilent(since lastWrite: UInt64) {
        guard settings.timeoutSeconds > 0, mapping.pointee.tab_registers[0] != Self.noLimit else { return }
        guard monotonicNow() >= lastWrite &+ UInt64(settings.timeoutSeconds) * 1_000_000_000 else { return }
        mapping.pointee.tab_registers[0] = Self.noLimit
        log(.warning,
            "energy manager: no write for \(settings.timeoutSeconds) s: its limit ends, the charger may draw full power again")
        continuation.yield(.externalLimit(source: .energyManager, watts: nil))
    }
}
