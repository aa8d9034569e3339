import CModbus
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A Modbus/TCP meter on loopback, answered by libmodbus's own server side
/// (`modbus_receive` / `modbus_reply` over a `modbus_mapping_t`) on a
/// thread of its own: the real protocol, a real socket, an independent
/// implementation of the answering end.
///
/// It plays an SDM630-like meter (input registers) with the holding
/// registers of the chargeplex-ocmf profile; a test moves its values,
/// silences it, or changes its unit id while the poller runs.
final class ModbusPeer: @unchecked Sendable {
    struct Behaviour {
        var unit: Int32 = 1
        /// Reads every request and answers none.
        var silent = false
        /// Reads starting at these addresses get exception 02 (illegal data address).
        var refused: Set<Int> = []
        /// Input registers to set before the next answer (address → words).
        var inputs: [Int: [UInt16]] = [:]
        var holdings: [Int: [UInt16]] = [:]
        /// The data set a signing command produces (from the idTag written and TX).
        var sign: (@Sendable (_ idTag: String, _ tx: String) -> String)?
        var requests = 0
        var commands: [UInt16] = []
    }

    let port: Int
    let state = Mutex(Behaviour())
    private let context: OpaquePointer
    private let mapping: UnsafeMutablePointer<modbus_mapping_t>
    private let listener: Int32
    private let client = Mutex<Int32>(-1)
    private let running = Mutex(true)
    private var thread = pthread_t()

    init() throws {
        guard let context = modbus_new_tcp("127.0.0.1", 0) else { throw PeerError("modbus_new_tcp failed") }
        self.context = context
        guard let mapping = modbus_mapping_new(0, 0, 0xFC02, 0x100) else { throw PeerError("modbus_mapping_new failed") }
        self.mapping = mapping
        let listener = modbus_tcp_listen(context, 1)
        guard listener >= 0 else { throw PeerError("modbus_tcp_listen failed") }
        self.listener = listener
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let unmanaged = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            Unmanaged<ModbusPeer>.fromOpaque(raw!).takeRetainedValue().serve()
            return nil
        }, unmanaged)
    }

    /// Sets an SDM630's float32 input register (high word first).
    func setFloat(_ address: Int, _ value: Float) {
        let bits = value.bitPattern
        state.withLock { $0.inputs[address] = [UInt16(bits >> 16), UInt16(bits & 0xFFFF)] }
    }

    func setText(_ address: Int, _ text: String, registers: Int) {
        state.withLock { $0.holdings[address] = asciiWords(text, count: registers) }
    }

    /// Closes the sockets and joins the thread.
    func stop() {
        running.withLock { $0 = false }
        shutdown(listener, Int32(SHUT_RDWR))
        client.withLock { if $0 >= 0 { shutdown($0, Int32(SHUT_RDWR)) } }
        pthread_join(thread, nil)
        Glibc.close(listener)
        modbus_mapping_free(mapping)
        modbus_free(context)
    }

    private func serve() {
        var query = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        var socket: Int32 = listener
        while running.withLock({ $0 }) {
            let accepted = modbus_tcp_accept(context, &socket)
            guard accepted >= 0, running.withLock({ $0 }) else { break }
            client.withLock { $0 = accepted }
            while running.withLock({ $0 }) {
                let length = modbus_receive(context, &query)
                if length < 0 { break }
                if length == 0 { continue }
                answer(query, length: length)
            }
            client.withLock { $0 = -1 }
            Glibc.close(accepted)
            socket = listener
        }
    }

    /// Byte 6 of a Modbus/TCP request is its unit id; a gateway with no
    /// such unit answers exception 0x0B (gateway target failed to respond).
    private func answer(_ query: [UInt8], length: Int32) {
        let behaviour = state.withLock { state -> Behaviour in
            state.requests += 1
            return state
        }
        if behaviour.silent { return }
        if Int32(query[6]) != behaviour.unit {
            modbus_reply_exception(context, query, UInt32(MODBUS_EXCEPTION_GATEWAY_TARGET))
            return
        }
        // Bytes 8 and 9 of a Modbus/TCP request: its start address.
        if behaviour.refused.contains(Int(query[8]) << 8 | Int(query[9])) {
            modbus_reply_exception(context, query, UInt32(MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS))
            return
        }
        for (address, words) in behaviour.inputs {
            for (offset, word) in words.enumerated() { mapping.pointee.tab_input_registers[address + offset] = word }
        }
        for (address, words) in behaviour.holdings {
            for (offset, word) in words.enumerated() { mapping.pointee.tab_registers[address + offset] = word }
        }
        state.withLock { $0.inputs = [:]; $0.holdings = [:] }
        modbus_reply(context, query, length, mapping)
        let registers = mapping.pointee.tab_registers!
        // A status read while busy finds the data set ready next time.
        if registers[0x1011] == 1 {
            registers[0x1011] = 2
        }
        let command = registers[0x1010]
        if command != 0, let sign = behaviour.sign {
            registers[0x1010] = 0
            let idTag = text(registers, at: 0x1000, count: 10)
            let tx = command == 1 ? "B" : command == 2 ? "C" : "E"
            let data = Array(sign(idTag, tx).utf8)
            registers[0x1012] = UInt16(data.count)
            for (offset, word) in asciiWords(String(decoding: data, as: UTF8.self), count: (data.count + 1) / 2).enumerated() {
                registers[0x1100 + offset] = word
            }
            registers[0x1011] = 1
            state.withLock { $0.commands.append(command) }
        }
    }

    private func text(_ registers: UnsafeMutablePointer<UInt16>, at address: Int, count: Int) -> String {
        var bytes: [UInt8] = []
        for index in 0..<count {
            let word = registers[address + index]
            bytes += [UInt8(word >> 8), UInt8(word & 0xFF)]
        }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private func asciiWords(_ text: String, count: Int) -> [UInt16] {
        var bytes = Array(text.utf8)
        bytes += Array(repeating: 0, count: max(0, count * 2 - bytes.count))
        return (0..<count).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
    }
}

struct PeerError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
