/// One connector's Modbus meter: reads its register map over its bus,
/// with the time-out and retries of its `[meter.N]` section, and counts
/// what went wrong. Used by one thread at a time (the poller's, or a CLI
/// command's), like its bus.
final class ModbusMeter {
    let settings: MeterSettings
    let bus: ModbusBus
    private(set) var counters = MeterCounters()
    /// Read after (re)connecting, with the public key of a signing meter.
    private(set) var serial: String?
    private(set) var publicKey: String?
    private var identityRead = false

    /// The values of one good cycle, in the reading's units, and the reading.
    struct Sample {
        var values: [Measurand: Double?]
        var reading: MeterReading
    }

    init(settings: MeterSettings, bus: ModbusBus) {
        self.settings = settings
        self.bus = bus
    }

    var connector: Int { settings.connector }
    var isFaulted: Bool { counters.consecutiveFailures >= settings.failuresBeforeFault }

    /// One poll cycle: the identity when it is not known yet, then every
    /// register. The first request that fails (after its retries) ends the
    /// cycle: a meter that stopped answering costs one time-out per try,
    /// not one per register.
    func poll(now: () -> UInt64 = monotonicNow) -> Result<Sample, ModbusFailure> {
        let start = now()
        counters.cycles += 1
        let result: Result<Sample, ModbusFailure>
        do throws(ModbusFailure) {
            if !identityRead { try readIdentity() }
            result = .success(try readValues())
            counters.successes += 1
            counters.consecutiveFailures = 0
        } catch {
            result = .failure(error)
            counters.consecutiveFailures += 1
            identityRead = false
        }
        counters.lastCycleMicroseconds = Int(min((now() &- start) / 1000, UInt64(Int.max)))
        return result
    }

    /// The serial number and, for a signing meter, its public key. A meter
    /// that refuses the serial's register as unknown (exception 1 or 2: a
    /// firmware without it) is read on without one; any other failure
    /// fails the cycle.
    func readIdentity() throws(ModbusFailure) {
        if let register = settings.map.serial {
            do throws(ModbusFailure) {
                let words = try request(register.function, address: register.address, count: register.width)
                serial = register.text(words[...])
            } catch {
                guard case .exception(let code, _) = error, code == 1 || code == 2 else { throw error }
                serial = nil
            }
        }
        if let block = settings.map.ocmf {
            publicKey = try readPublicKey(block)
        }
        identityRead = true
    }

    private func readValues() throws(ModbusFailure) -> Sample {
        var values: [Measurand: Double?] = [:]
        for group in Self.groups(of: settings.map.registers) {
            let first = group[0]
            let count = group.last!.address + group.last!.type.width - first.address
            let words = try request(first.function, address: first.address, count: count)
            for register in group {
                let offset = register.address - first.address
                let value = register.value(words[offset..<(offset + register.type.width)])
                if value == nil { counters.rejectedValues += 1 }
                values[register.measurand] = value
            }
        }
        var reading = MeterReading(serial: serial)
        if let energy = values[.energy] ?? nil {
            // At most 1e15 Wh (checked by the register): fits Int64.
            reading.energyWattHours = Int64(energy.rounded(.down))
        }
        reading.powerWatts = values[.power] ?? nil
        let map = settings.map
        if map.registers.contains(where: { [.currentL1, .currentL2, .currentL3].contains($0.measurand) }) {
            reading.currentAmperes = [values[.currentL1] ?? nil, values[.currentL2] ?? nil, values[.currentL3] ?? nil]
        }
        if map.registers.contains(where: { [.voltageL1, .voltageL2, .voltageL3].contains($0.measurand) }) {
            reading.voltageVolts = [values[.voltageL1] ?? nil, values[.voltageL2] ?? nil, values[.voltageL3] ?? nil]
        }
        reading.frequencyHertz = values[.frequency] ?? nil
        return Sample(values: values, reading: reading)
    }

    /// Registers read together: same function, each starting where the
    /// last ended (or overlapping it), at most 125 registers in one read.
    /// Gaps are never read across: some meters refuse unassigned addresses.
    static func groups(of registers: [MeterRegister]) -> [[MeterRegister]] {
        let sorted = registers.sorted { ($0.function.rawValue, $0.address) < ($1.function.rawValue, $1.address) }
        var groups: [[MeterRegister]] = []
        for register in sorted {
            if var last = groups.last, let start = last.first, start.function == register.function,
               let end = last.map({ $0.address + $0.type.width }).max(), register.address <= end,
               max(end, register.address + register.type.width) - start.address <= 125 {
                last.append(register)
                groups[groups.count - 1] = last
            } else {
                groups.append([register])
            }
        }
        return groups
    }

    /// One request with the meter's retries; every failure is counted.
    func request(_ function: ReadFunction, address: Int, count: Int) throws(ModbusFailure) -> [UInt16] {
        var attempt = 0
        while true {
            do throws(ModbusFailure) {
                return try bus.read(
                    function, address: address, count: count, unit: settings.unit,
                    timeoutMilliseconds: settings.timeoutMilliseconds)
            } catch {
                counters.count(error)
                guard attempt < settings.retries else { throw error }
                attempt += 1
                counters.retries += 1
            }
        }
    }

    func write(_ words: [UInt16], address: Int) throws(ModbusFailure) {
        var attempt = 0
        while true {
            do throws(ModbusFailure) {
                return try bus.write(words, address: address, unit: settings.unit, timeoutMilliseconds: settings.timeoutMilliseconds)
            } catch {
                counters.count(error)
                // A write that timed out may have happened: sending a
                // command twice could sign twice, so only refusals and
                // broken connections are tried again.
                guard attempt < settings.retries, error != .timeout else { throw error }
                attempt += 1
                counters.retries += 1
            }
        }
    }

    /// Reads `byteCount` bytes of ASCII from `address` on, in reads of at
    /// most 125 registers.
    func readBytes(at address: Int, byteCount: Int) throws(ModbusFailure) -> [UInt8] {
        let registers = (byteCount + 1) / 2
        var bytes: [UInt8] = []
        bytes.reserveCapacity(registers * 2)
        var offset = 0
        while offset < registers {
            let count = min(125, registers - offset)
            for word in try request(.holdingRegisters, address: address + offset, count: count) {
                bytes.append(UInt8(word >> 8))
                bytes.append(UInt8(word & 0xFF))
            }
            offset += count
        }
        return Array(bytes.prefix(byteCount))
    }

    private func readPublicKey(_ block: OCMFBlock) throws(ModbusFailure) -> String? {
        let length = Int(try request(.holdingRegisters, address: block.publicKeyLength, count: 1)[0])
        guard length > 0 else { return nil }
        guard length <= block.publicKeyMaximumBytes else {
            throw .badData("public key length \(length) beyond \(block.publicKeyMaximumBytes)")
        }
        let bytes = try readBytes(at: block.publicKey, byteCount: length)
        guard bytes.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit && $0 < 0x80 }), length % 2 == 0 else {
            throw .badData("the public key is not hex text")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
