import Board
import OCPP16
import Store

/// How a Modbus meter's own register becomes the connector's register.
///
/// The connector's register never goes backwards. A meter that is reset or
/// swapped starts again from a lower value (or shows a new serial number):
/// that is detected, reported to every operator, and the register goes on
/// from where it stood, never lowered. `offset` is what is added to the
/// meter's own value; it is kept on disk.
struct MeterTrack: Sendable {
    /// The meter's own energy value last read, in Wh (nil: none since start).
    var lastRaw: Int64?
    var serial: String?
    var offset: Int64 = 0
    /// The latest reading, for sampled values.
    var latest: MeterReading?
}

extension ChargePoint {
    static let meterOffsetNamespace = "meter-offset"
    /// A drop smaller than this is the rounding of a meter that counts in
    /// fractions of a kWh, not a reset.
    static let meterResetThreshold: Int64 = 10

    /// The offsets of meters reset or swapped before a restart.
    func loadMeterOffsets() {
        guard let persistence else { return }
        let stored: [String: String]
        do {
            stored = try persistence.all(namespace: Self.meterOffsetNamespace)
        } catch {
            logger.error("cannot read the meters' offsets", metadata: ["error": "\(error)"])
            return
        }
        for (key, value) in stored {
            guard let connector = Int(key), let index = index(of: connector), let offset = Int64(value) else { continue }
            connectors[index].meter.offset = offset
        }
    }

    /// One reading of a connector's Modbus meter.
    func meterRead(_ reading: MeterReading, on connector: Int, now: OCPPDateTime) async {
        guard let index = index(of: connector) else { return }
        connectors[index].meter.latest = reading
        if let serial = reading.serial, !serial.isEmpty {
            if let known = connectors[index].meter.serial, known != serial, let raw = reading.energyWattHours, raw >= 0 {
                await meterRestarted(on: index, raw: raw, why: "MeterReplaced", now: now)
            }
            connectors[index].meter.serial = serial
        }
        guard let raw = reading.energyWattHours, raw >= 0 else { return }
        if meterWentBack(connectors[index], to: raw) {
            await meterRestarted(on: index, raw: raw, why: "MeterReset", now: now)
        }
        connectors[index].meter.lastRaw = raw
        let (counted, overflow) = raw.addingReportingOverflow(connectors[index].meter.offset)
        guard !overflow, counted >= 0 else {
            logger.error("meter reading out of range ignored", metadata: ["connector": "\(connector)", "wattHours": "\(raw)"])
            return
        }
        registerMoved(index, to: counted, now: now)
    }

    /// Whether the meter's own register fell below what it read last, or,
    /// at the first reading since start, below the register kept on disk
    /// (reset or swapped meanwhile). Drops within the threshold are rounding.
    func meterWentBack(_ connector: Connector, to raw: Int64) -> Bool {
        // Both are at least 0: the difference cannot overflow.
        if let last = connector.meter.lastRaw { return last - raw > Self.meterResetThreshold }
        let (counted, overflow) = raw.addingReportingOverflow(connector.meter.offset)
        return overflow || counted < 0 || connector.wattHours - counted > Self.meterResetThreshold
    }

    /// The register as a pulse counter or meter now reads it; never lowered.
    func registerMoved(_ index: Int, to wattHours: Int64, now: OCPPDateTime) {
        connectors[index].wattHours = max(connectors[index].wattHours, wattHours)
        if var transaction = connectors[index].transaction {
            transaction.lastMeter = connectors[index].wattHours
            transaction.lastMeterAt = now
            connectors[index].transaction = transaction
        }
        // On disk with the next report or within a minute, not per pulse:
        // see `storeEnergy`.
    }

    /// The meter's own register went back (`why`: MeterReset) or another
    /// meter answers (MeterReplaced): the register goes on from where it
    /// stands, the new offset is stored, and every operator is told with a
    /// StatusNotification (OtherError, the reason as vendorErrorCode)
    /// followed by the connector's real status.
    func meterRestarted(on index: Int, raw: Int64, why: String, now: OCPPDateTime) async {
        let number = connectors[index].number
        let register = connectors[index].wattHours
        // Both are at least 0: the difference cannot overflow.
        let offset = register - raw
        connectors[index].meter.offset = offset
        connectors[index].meter.lastRaw = raw
        logger.warning(
            "the meter's register went back: counting on from the connector's register",
            metadata: ["connector": "\(number)", "reason": "\(why)", "meter": "\(raw)", "register": "\(register)"])
        if let persistence {
            persist("the meter's offset") {
                try persistence.set(namespace: Self.meterOffsetNamespace, key: "\(number)", value: "\(offset)")
            }
        }
        let status = connectors[index].status(reservation: reservation(for: number))
        let notice = StatusNotificationRequest(
            connectorId: number, errorCode: .otherError,
            info: CiString50(truncating: "meter at \(raw) Wh, register kept at \(register) Wh"),
            status: status, timestamp: now, vendorErrorCode: CiString50(truncating: why))
        connectors[index].reported = (status, .otherError)
        connectors[index].settling = nil
        await uplink?.emit(.status(notice, to: nil))
    }

    // MARK: Signed readings (OCMF)

    /// The meter that signs the connector's readings, if it has one.
    func signingMeter(for connector: Int) -> (any SignedMeters)? {
        guard let meters = board.signedMeters, meters.signs(connector: connector) else { return nil }
        return meters
    }

    /// Takes the signed Transaction.Begin reading of a transaction just
    /// started, without holding up the start: every operator gets it in a
    /// MeterValues, after its StartTransaction, once the meter answers.
    func takeSignedBegin(of transaction: Transaction, now: OCPPDateTime) {
        guard let meters = signingMeter(for: transaction.connector) else { return }
        let ref = transaction.ref
        let connector = transaction.connector
        let idTag = transaction.idTag.value
        signedBeginsInFlight[ref] = Task {
            let reading = await meters.signedReading(connector: connector, context: .transactionBegin, idTag: idTag)
            await self.signedBeginTaken(reading, ref: ref, now: now)
        }
    }

    func signedBeginTaken(_ reading: SignedMeterReading?, ref: Int64, now: OCPPDateTime) async {
        signedBeginsInFlight.removeValue(forKey: ref)
        guard let index = connectors.firstIndex(where: { $0.transaction?.ref == ref }), var transaction = connectors[index].transaction
        else { return }
        guard let reading else {
            logger.error("the meter gave no signed reading at the start", metadata: ["ref": "\(ref)"])
            return
        }
        transaction.signedBegin = reading.data
        connectors[index].transaction = transaction
        let request = MeterValuesRequest(
            connectorId: transaction.connector, transactionId: 0,
            meterValue: [MeterValue(timestamp: now, sampledValue: [Self.signedValue(reading.data, context: .transactionBegin)])])
        let message = OutgoingMessage.meterValues(ref: ref, request, to: nil)
        recordMeterValues([message], now: now)
        await uplink?.emit(message)
    }

    /// The signed Transaction.End reading, taken with the relay open and
    /// before the StopTransaction is written; waits for a Begin still being
    /// taken first, so that it is reported before the stop.
    func takeSignedEnd(of transaction: Transaction) async -> SignedMeterReading? {
        guard let meters = signingMeter(for: transaction.connector) else { return nil }
        if let begin = signedBeginsInFlight[transaction.ref] { await begin.value }
        let reading = await meters.signedReading(
            connector: transaction.connector, context: .transactionEnd, idTag: transaction.idTag.value)
        if reading == nil { logger.error("the meter gave no signed reading at the end", metadata: ["ref": "\(transaction.ref)"]) }
        return reading
    }

    /// A signed data set as OCPP 1.6 carries it: the meter's text, untouched.
    static func signedValue(_ data: String, context: ReadingContext) -> SampledValue {
        SampledValue(value: data, context: context, format: .signedData, measurand: .energyActiveImportRegister, location: .outlet)
    }

    /// `MeterPublicKey[N]`: the public key of connector N's signing meter,
    /// read-only (the key EVerest's OCPP 1.6 library uses for it).
    func meterPublicKeys(named names: [String]?) -> (known: [KeyValue], unknown: Set<String>) {
        var known: [KeyValue] = []
        var matched: Set<String> = []
        for connector in connectors where signingMeter(for: connector.number) != nil {
            let name = "MeterPublicKey[\(connector.number)]"
            guard names == nil || names?.contains(where: { $0.lowercased() == name.lowercased() }) == true else { continue }
            matched.insert(name.lowercased())
            let key = board.signedMeters?.publicKey(connector: connector.number)
            known.append(KeyValue(key: CiString50(truncating: name), readonly: true, value: key.map { CiString500(truncating: $0) }))
        }
        return (known, matched)
    }
}
