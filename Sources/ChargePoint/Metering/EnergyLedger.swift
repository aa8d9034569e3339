import OCPP16
import Store

/// Which energy register values are on disk.
///
/// A pulse meter moves the register several times a second while charging;
/// writing each step would wear out the flash within months. The register
/// and the open transactions' last readings are written together, in one
/// commit: before any value of the register is reported (so that after a
/// power cut it never reads lower than something an operator has seen),
/// and otherwise at most once a minute while it moves. A power cut can cost
/// at most that minute of energy nobody was told about.
struct EnergyLedger {
    /// The namespace of the registers in the store, by connector number.
    static let namespace = "energy"
    static let interval: Int64 = 60_000

    /// Register values as last written, by connector number.
    var stored: [Int: Int64] = [:]
    var writtenAt: OCPPDateTime?

    func isDue(at now: OCPPDateTime) -> Bool {
        guard let writtenAt else { return true }
        return now.millisecondsSince1970 - writtenAt.millisecondsSince1970 >= Self.interval
            || now < writtenAt
    }
}

extension ChargePoint {
    /// The registers that moved since they were last written, with their
    /// transactions' records: what goes into the next commit.
    func energyWrite() -> TransactionWrite {
        var write = TransactionWrite()
        for connector in connectors where connector.wattHours > energyLedger.stored[connector.number] ?? -1 {
            write.registers[connector.number] = connector.wattHours
            if let transaction = connector.transaction { write.records.append(transaction.stored) }
        }
        return write
    }

    /// Notes what of the registers is on disk after `write` was committed.
    func energyStored(_ write: TransactionWrite, now: OCPPDateTime) {
        guard !write.registers.isEmpty else { return }
        for (connector, wattHours) in write.registers { energyLedger.stored[connector] = wattHours }
        energyLedger.writtenAt = now
    }

    /// Writes the registers that moved since they were last written, with
    /// their transactions' records, in one commit.
    ///
    /// - Parameter onlyIfDue: for the periodic write: skipped when the last
    ///   write is less than a minute old.
    func storeEnergy(now: OCPPDateTime, onlyIfDue: Bool = false) {
        let write = energyWrite()
        guard !write.isEmpty, !onlyIfDue || energyLedger.isDue(at: now) else { return }
        if commit(write, now: now) { energyStored(write, now: now) }
    }

    /// Writes whatever the registers gained since their last write; for a
    /// clean shutdown.
    public func flushEnergy(now: OCPPDateTime) {
        storeEnergy(now: now)
    }

    /// The registers as stored before a restart, by connector number.
    public static func storedRegisters(_ store: KeyValueStore) throws -> [Int: Int64] {
        var registers: [Int: Int64] = [:]
        for (key, value) in try store.all(namespace: EnergyLedger.namespace) {
            if let connector = Int(key), let wattHours = Int64(value), wattHours >= 0 { registers[connector] = wattHours }
        }
        return registers
    }
}
