import CModbus

#if canImport(Glibc)
import Glibc
#endif

/// Why a Modbus request failed, as a field technician sorts it.
enum ModbusFailure: Error, Equatable, CustomStringConvertible {
    /// No answer within the time-out.
    case timeout
    /// An answer whose checksum was wrong (RTU: noise, a second master, a wrong baud rate).
    case badCRC
    /// The meter answered with a Modbus exception: `code` 1 illegal function,
    /// 2 illegal data address, 6 busy, 11 gateway target failed to respond…
    case exception(code: Int, String)
    /// The device or connection could not be opened, or broke.
    case connection(String)
    /// An answer that makes no sense (wrong length, a value that is no number…).
    case badData(String)

    var description: String {
        switch self {
        case .timeout: "no answer (time-out)"
        case .badCRC: "answer with a bad CRC"
        case .exception(_, let text): "refused: \(text)"
        case .connection(let text): "connection: \(text)"
        case .badData(let text): "bad answer: \(text)"
        }
    }
}

/// One Modbus transport (an RS-485 bus through a serial device, or one
/// TCP connection) through libmodbus, with the meters on it told apart
/// by unit id. libmodbus blocks, so a bus is only ever used by one thread
/// (the poller's, or a CLI command's).
final class ModbusBus {
    let transport: MeterSettings.Transport
    private var context: OpaquePointer?

    init(transport: MeterSettings.Transport) {
        self.transport = transport
    }

    deinit { disconnect() }

    /// Closes the connection; the next request opens it again (a TCP
    /// reconnect, a serial device reopened after it went away).
    func disconnect() {
        guard let context else { return }
        modbus_close(context)
        modbus_free(context)
        self.context = nil
    }

    private func connected(timeoutMilliseconds: Int) throws(ModbusFailure) -> OpaquePointer {
        if let context { return context }
        let created: OpaquePointer?
        switch transport {
        case .rtu(let device, let baud, let parity, let stopBits):
            let letter: CChar = switch parity {
            case .none: CChar(UInt8(ascii: "N"))
            case .even: CChar(UInt8(ascii: "E"))
            case .odd: CChar(UInt8(ascii: "O"))
            }
            created = modbus_new_rtu(device, Int32(baud), letter, 8, Int32(stopBits))
        case .tcp(let host, let port):
            created = modbus_new_tcp_pi(host, String(port))
        }
        guard let created else { throw .connection(Self.lastError()) }
        setTimeout(created, milliseconds: timeoutMilliseconds)
        guard modbus_connect(created) == 0 else {
            let reason = Self.lastError()
            modbus_free(created)
            throw .connection("\(transport): \(reason)")
        }
        context = created
        return created
    }

    /// Reads `count` registers (1…125) of `unit`.
    func read(
        _ function: ReadFunction, address: Int, count: Int, unit: Int, timeoutMilliseconds: Int
    ) throws(ModbusFailure) -> [UInt16] {
        guard (1...125).contains(count), address >= 0, address + count <= 65_536 else {
            throw .badData("a read of \(count) registers at \(address) is out of range")
        }
        let context = try prepare(unit: unit, timeoutMilliseconds: timeoutMilliseconds)
        var words = [UInt16](repeating: 0, count: count)
        let result = words.withUnsafeMutableBufferPointer { buffer -> Int32 in
            switch function {
            case .holdingRegisters: modbus_read_registers(context, Int32(address), Int32(count), buffer.baseAddress)
            case .inputRegisters: modbus_read_input_registers(context, Int32(address), Int32(count), buffer.baseAddress)
            }
        }
        if result < 0 { throw failure() }
        guard result == Int32(count) else { throw .badData("\(result) registers instead of \(count)") }
        return words
    }

    /// Writes registers of `unit` with function 16.
    func write(_ words: [UInt16], address: Int, unit: Int, timeoutMilliseconds: Int) throws(ModbusFailure) {
        guard (1...123).contains(words.count), address >= 0, address + words.count <= 65_536 else {
            throw .badData("a write of \(words.count) registers at \(address) is out of range")
        }
        let context = try prepare(unit: unit, timeoutMilliseconds: timeoutMilliseconds)
        let result = words.withUnsafeBufferPointer { buffer in
            modbus_write_registers(context, Int32(address), Int32(words.count), buffer.baseAddress)
        }
        if result < 0 { throw failure() }
    }

    private func prepare(unit: Int, timeoutMilliseconds: Int) throws(ModbusFailure) -> OpaquePointer {
        let context = try connected(timeoutMilliseconds: timeoutMilliseconds)
        setTimeout(context, milliseconds: timeoutMilliseconds)
        guard modbus_set_slave(context, Int32(unit)) == 0 else { throw .badData("unit id \(unit): \(Self.lastError())") }
        return context
    }

    private func setTimeout(_ context: OpaquePointer, milliseconds: Int) {
        let milliseconds = max(1, min(milliseconds, 60_000))
        _ = modbus_set_response_timeout(context, UInt32(milliseconds / 1000), UInt32(milliseconds % 1000) * 1000)
    }

    /// Sorts errno after a failed request; a broken connection is closed
    /// so that the next request opens it again, and stale bytes of a late
    /// answer are dropped.
    private func failure() -> ModbusFailure {
        let code = errno
        let text = Self.lastError()
        let base = Int32(cmodbus_error_exception_base())
        switch code {
        case ETIMEDOUT:
            if let context { _ = modbus_flush(context) }
            return .timeout
        case cmodbus_error_bad_crc():
            if let context { _ = modbus_flush(context) }
            return .badCRC
        case base..<cmodbus_error_bad_crc():
            return .exception(code: Int(code - base), text)
        case cmodbus_error_bad_crc()...(base + 64):
            if let context { _ = modbus_flush(context) }
            return .badData(text)
        default:
            disconnect()
            return .connection(text)
        }
    }

    private static func lastError() -> String {
        String(cString: modbus_strerror(errno))
    }
}
