import OCPP16
import Store

/// Transaction events on disk: the record and every operator's message about
/// it in one commit, made without a suspension point in between, so that no
/// other work and no power cut can come between an event and its messages.
///
/// A commit that fails (a full or failing disk) is kept, in order, and tried
/// again on every tick until it succeeds; meanwhile every connector reports
/// the error, and no new transaction starts.
extension ChargePoint {
    /// Each recipient's copy of a transaction's StartTransaction.
    func startMessages(_ transaction: Transaction) -> [TransactionMessage] {
        let payload = PayloadCoding.encodedBytes(transaction.startRequest)
        return (uplink?.transactionRecipients ?? []).map { name in
            TransactionMessage(
                operatorName: name, action: OCPPAction.startTransaction.rawValue, kind: .startTransaction,
                ref: transaction.ref, payload: payload)
        }
    }

    /// Each recipient's copy of a transaction's MeterValues (or the one of `target`).
    func meterMessages(_ transaction: Transaction, _ request: MeterValuesRequest, to target: String?) -> [TransactionMessage] {
        let payload = PayloadCoding.encodedBytes(request)
        let start = PayloadCoding.encodedBytes(transaction.startRequest)
        let names = target.map { [$0] } ?? (uplink?.transactionRecipients ?? [])
        return names.map { name in
            TransactionMessage(
                operatorName: name, action: OCPPAction.meterValues.rawValue, kind: .meterValues, ref: transaction.ref,
                payload: payload, startIfUnknown: start)
        }
    }

    /// Each recipient's copy of a transaction's StopTransaction, with the
    /// transactionData its own StopTxnSampledData asks for.
    func stopMessages(_ transaction: Transaction, _ request: StopTransactionRequest) -> [TransactionMessage] {
        let start = PayloadCoding.encodedBytes(transaction.startRequest)
        return (uplink?.transactionRecipients ?? []).map { name in
            var tailored = request
            tailored.transactionData = Self.transactionData(
                request.transactionData, measurands: configuration.list("StopTxnSampledData", for: name))
            return TransactionMessage(
                operatorName: name, action: OCPPAction.stopTransaction.rawValue, kind: .stopTransaction,
                ref: transaction.ref, payload: PayloadCoding.encodedBytes(tailored), startIfUnknown: start)
        }
    }

    /// The sampled values of `data` whose measurand is in `measurands`
    /// (no measurand means the energy register), and every signed reading,
    /// which is the billing evidence and goes to each operator whatever it
    /// asks for; nil when none is left.
    static func transactionData(_ data: [MeterValue]?, measurands: [String]) -> [MeterValue]? {
        let kept = (data ?? []).compactMap { value -> MeterValue? in
            let samples = value.sampledValue.filter {
                $0.format == .signedData || measurands.contains(($0.measurand ?? .energyActiveImportRegister).rawValue)
            }
            return samples.isEmpty ? nil : MeterValue(timestamp: value.timestamp, sampledValue: samples)
        }
        return kept.isEmpty ? nil : kept
    }

    /// Writes `write` after whatever is still waiting to be written, in one
    /// commit. False when it could not be written now; then it is kept and
    /// tried again on the next tick, unless `keep` is false (a new
    /// transaction that must not start without its record).
    @discardableResult
    func commit(_ write: TransactionWrite, now: OCPPDateTime, keep: Bool = true) -> Bool {
        guard let ledger else { return true }
        var pending = unwritten
        pending.append(write)
        do {
            try ledger.commit(pending, at: now.millisecondsSince1970)
        } catch {
            if keep { unwritten = pending }
            storageFailed(error)
            return false
        }
        let flushed = Set(unwritten.messages.map(\.operatorName))
        unwritten = TransactionWrite()
        storageRecovered()
        if !flushed.isEmpty { wakeAfterRetry.formUnion(flushed) }
        return true
    }

    /// On every tick: what could not be written is tried again; a failed
    /// disk with nothing waiting is probed with the energy registers.
    /// Returns the operators whose queues got messages.
    @discardableResult
    func retryUnwritten(now: OCPPDateTime) -> Set<String> {
        guard let ledger, storageFailing else { return [] }
        var write = unwritten
        if write.isEmpty {
            write.registers = Dictionary(uniqueKeysWithValues: connectors.map { ($0.number, $0.wattHours) })
        }
        do {
            try ledger.commit(write, at: now.millisecondsSince1970)
        } catch {
            return []
        }
        unwritten = TransactionWrite()
        storageRecovered()
        logger.notice("the state directory can be written again")
        return Set(write.messages.map(\.operatorName))
    }

    /// Runs a durable write other than a transaction's; a failure is logged
    /// and shows in every connector's status until a write succeeds again.
    @discardableResult
    func persist(_ what: String, _ write: () throws -> Void) -> Bool {
        do {
            try write()
            return true
        } catch {
            logger.error("could not store \(what)", metadata: ["error": "\(error)"])
            storageFailed(error)
            return false
        }
    }

    /// A value of the "state" namespace; a read that fails is logged, not taken for "none".
    func readState(_ key: String, _ what: String) -> String? {
        do {
            return try persistence?.get(namespace: "state", key: key)
        } catch {
            logger.error("could not read \(what)", metadata: ["error": "\(error)"])
            return nil
        }
    }

    func storageFailed(_ error: any Error) {
        if !storageFailing {
            logger.error("cannot write the charger's state", metadata: ["error": "\(error)"])
            if Self.isFullDisk(error) {
                securityEventDue(.memoryExhaustion, techInfo: "the state directory is full: \(error)")
            }
        }
        storageFailing = true
    }

    func storageRecovered() {
        storageFailing = false
    }

    /// The records of the running transactions as they were last written.
    func storedTransactions() -> [Transaction] {
        guard let ledger else { return [] }
        do {
            return try ledger.openTransactions().compactMap { stored in
                guard let transaction = Transaction(stored) else {
                    logger.error("unreadable transaction record ignored", metadata: ["ref": "\(stored.ref)"])
                    return nil
                }
                return transaction
            }
        } catch {
            logger.critical("cannot read the transaction records", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The last transaction number handed out, so that none is used twice.
    func storedLastRef() -> Int64? {
        guard let ledger else { return 0 }
        do {
            return try ledger.lastRef()
        } catch {
            storageFailed(error)
            return nil
        }
    }
}
