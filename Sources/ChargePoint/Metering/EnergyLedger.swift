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
    /// Writes the registers that moved since they were last written, with
    /// their transactions' journal entries, in one commit.
    ///
    /// - Parameter onlyIfDue: for the periodic write: skipped when the last
    ///   write is less than a minute old.
    func storeEnergy(now: OCPPDateTime, onlyIfDue: Bool = false) {
        let moved = connectors.filter { $0.wattHours > energyLedger.stored[$0.number] ?? -1 }
        guard !moved.isEmpty, !onlyIfDue || energyLedger.isDue(at: now) else { return }
        var registers: [String: String] = [:]
        var entries: [String: String] = [:]
        for connector in moved {
            registers[String(connector.number)] = String(connector.wattHours)
            if let transaction = connector.transaction {
                entries[String(transaction.ref)] = TransactionJournal.entry(transaction)
            }
        }
        do {
            try persistence?.set(namespaces: [EnergyLedger.namespace: registers, TransactionJournal.namespace: entries])
        } catch {
            logger.error("energy registers not stored", metadata: ["error": "\(error)"])
            return
        }
        for connector in moved { energyLedger.stored[connector.number] = connector.wattHours }
        energyLedger.writtenAt = now
    }

    /// Writes whatever the registers gained since their last write; for a
    /// clean shutdown.
    public func flushEnergy(now: OCPPDateTime) {
        storeEnergy(now: now)
    }

    /// The registers as stored before a restart, by connector number.
    public static func storedRegisters(_ store: KeyValueStore) -> [Int: Int64] {
        var registers: [Int: Int64] = [:]
        for (key, value) in (try? store.all(namespace: EnergyLedger.namespace)) ?? [:] {
            if let connector = Int(key), let wattHours = Int64(value) { registers[connector] = wattHours }
        }
        return registers
    }
}
