import Board
import OCPP16
import Store

/// Sampled and clock-aligned meter values, per operator.
extension ChargePoint {
    /// The measured values of one connector for the given measurands: a
    /// Modbus meter's own values where it has them, else what the relay,
    /// the limit and the car's state imply.
    func sample(_ connector: Connector, measurands: [String], context: ReadingContext, now: OCPPDateTime) -> [SampledValue] {
        let delivering = connector.relayCommanded && connector.evDrawing && connector.plugged
        let amperes = delivering ? (connector.limitAmperes ?? 32) : 0
        let offered = connector.transaction == nil ? 0 : (connector.limitAmperes ?? 32)
        // A meter that stopped answering has no present values to give.
        let measured = connector.faults.contains(.powerMeterFailure) ? nil : connector.meter.latest
        var values: [SampledValue] = []
        for name in measurands {
            guard let measurand = Measurand(rawValue: name) else { continue }
            if let measured, let own = Self.measuredValues(measured, measurand, context: context) {
                values += own
                continue
            }
            switch measurand {
            case .energyActiveImportRegister:
                values.append(SampledValue(value: "\(connector.wattHours)", context: context, measurand: measurand, location: .outlet, unit: .wh))
            case .energyActiveImportInterval:
                let start = connector.transaction.map { sampling.lastEnergy[$0.ref] ?? $0.meterStart } ?? connector.wattHours
                values.append(SampledValue(value: "\(max(0, connector.wattHours - start))", context: context, measurand: measurand, location: .outlet, unit: .wh))
            case .powerActiveImport:
                values.append(SampledValue(value: format(amperes * voltage * Double(phases)), context: context, measurand: measurand, location: .outlet, unit: .w))
            case .powerOffered:
                values.append(SampledValue(value: format(offered * voltage * Double(phases)), context: context, measurand: measurand, location: .outlet, unit: .w))
            case .currentImport:
                for phase in [Phase.l1, .l2, .l3].prefix(phases) {
                    values.append(SampledValue(value: format(amperes), context: context, measurand: measurand, phase: phase, location: .outlet, unit: .a))
                }
            case .currentOffered:
                values.append(SampledValue(value: format(offered), context: context, measurand: measurand, location: .outlet, unit: .a))
            case .voltage:
                values.append(SampledValue(value: format(voltage), context: context, measurand: measurand, location: .outlet, unit: .v))
            default:
                continue
            }
        }
        return values
    }

    /// A meter reading's values of `measurand`; nil when the meter does not
    /// measure it (the modelled value is used then).
    static func measuredValues(_ reading: MeterReading, _ measurand: Measurand, context: ReadingContext) -> [SampledValue]? {
        let phases: [Phase] = [.l1, .l2, .l3]
        let phasesToNeutral: [Phase] = [.l1N, .l2N, .l3N]
        func perPhase(_ values: [Double?], _ names: [Phase], _ unit: UnitOfMeasure) -> [SampledValue]? {
            let present = zip(values, names).compactMap { value, phase -> SampledValue? in
                guard let value, value.isFinite else { return nil }
                return SampledValue(value: formatted(value), context: context, measurand: measurand, phase: phase, location: .outlet, unit: unit)
            }
            return present.isEmpty ? nil : present
        }
        switch measurand {
        case .powerActiveImport:
            guard let watts = reading.powerWatts, watts.isFinite else { return nil }
            return [SampledValue(value: formatted(watts), context: context, measurand: measurand, location: .outlet, unit: .w)]
        case .currentImport:
            return perPhase(reading.currentAmperes, phases, .a)
        case .voltage:
            return perPhase(reading.voltageVolts, phasesToNeutral, .v)
        case .frequency:
            guard let hertz = reading.frequencyHertz, hertz.isFinite else { return nil }
            // Frequency has no unit of its own in OCPP 1.6.
            return [SampledValue(value: formatted(hertz, places: 2), context: context, measurand: measurand, location: .outlet)]
        default:
            return nil
        }
    }

    /// A value with at most `places` (1 or 2) decimals, without trailing zeros.
    static func formatted(_ value: Double, places: Int = 1) -> String {
        let scale = places >= 2 ? 100.0 : 10.0
        // Beyond what an Int holds: said as it is, never converted.
        guard abs(value * scale) < 9e15 else { return "\(value)" }
        let scaled = (value * scale).rounded()
        if scaled.truncatingRemainder(dividingBy: scale) == 0 { return "\(Int(scaled / scale))" }
        return "\(scaled / scale)"
    }

    func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
    }

    /// Begin and end values for StopTransaction.transactionData. Always
    /// made; each operator gets what its own StopTxnSampledData asks for
    /// (the operators layer leaves out the rest).
    /// A signing meter's Begin and End data sets go with them, untouched.
    func stopTransactionData(_ transaction: Transaction, meterStop: Int64, signedEnd: String? = nil, now: OCPPDateTime) -> [MeterValue]? {
        // Only the energy register is kept from a transaction's start.
        let begin = SampledValue(value: "\(transaction.meterStart)", context: .transactionBegin, measurand: .energyActiveImportRegister, location: .outlet, unit: .wh)
        var end = begin
        end.value = "\(meterStop)"
        end.context = .transactionEnd
        var beginValues = [begin]
        var endValues = [end]
        if let data = transaction.signedBegin { beginValues.append(Self.signedValue(data, context: .transactionBegin)) }
        if let data = signedEnd { endValues.append(Self.signedValue(data, context: .transactionEnd)) }
        return [MeterValue(timestamp: transaction.startedAt, sampledValue: beginValues), MeterValue(timestamp: now, sampledValue: endValues)]
    }

    /// Emits whatever sampled or clock-aligned values are due for every
    /// operator in `audiences`. Everything is sampled before anything is
    /// sent, so that every operator gets the same reading for the same instant.
    func emitDueMeterValues(audiences: [String], now: OCPPDateTime) async {
        var due: [OutgoingMessage] = []
        for audience in audiences {
            let name = audience.isEmpty ? nil : audience
            let interval = configuration.integer("MeterValueSampleInterval", for: name)
            let measurands = configuration.list("MeterValuesSampledData", for: name)
            for connector in connectors {
                guard let transaction = connector.transaction,
                    sampling.sampleDue(transaction.ref, for: audience, interval: interval, now: now)
                else { continue }
                let values = sample(connector, measurands: measurands, context: .samplePeriodic, now: now)
                guard !values.isEmpty else { continue }
                let request = MeterValuesRequest(
                    connectorId: connector.number, transactionId: 0, meterValue: [MeterValue(timestamp: now, sampledValue: values)])
                due.append(.meterValues(ref: transaction.ref, request, to: name))
            }
            let aligned = configuration.integer("ClockAlignedDataInterval", for: name)
            if sampling.alignedDue(for: audience, interval: aligned, now: now) {
                let alignedMeasurands = configuration.list("MeterValuesAlignedData", for: name)
                for connector in connectors {
                    let values = sample(connector, measurands: alignedMeasurands, context: .sampleClock, now: now)
                    guard !values.isEmpty else { continue }
                    let request = MeterValuesRequest(
                        connectorId: connector.number, transactionId: connector.transaction == nil ? nil : 0,
                        meterValue: [MeterValue(timestamp: now, sampledValue: values)])
                    due.append(.meterValues(ref: connector.transaction?.ref, request, to: name))
                }
            }
        }
        for connector in connectors {
            if let transaction = connector.transaction { sampling.lastEnergy[transaction.ref] = connector.wattHours }
        }
        guard !due.isEmpty else { return }
        due = await withSignedSamples(due)
        recordMeterValues(due, now: now)
        for message in due { await uplink?.emit(message) }
    }

    /// A signing meter signs the periodic samples too: one signed reading per
    /// transaction, the same data set in every operator's sample. The wait
    /// for the meter lets other work in; a sample whose transaction ended
    /// meanwhile is left out by `recordMeterValues`, so nothing follows a
    /// StopTransaction.
    func withSignedSamples(_ due: [OutgoingMessage]) async -> [OutgoingMessage] {
        var signed: [Int64: String] = [:]
        var asked: Set<Int64> = []
        for message in due {
            guard case .meterValues(let ref?, let request, _) = message,
                request.meterValue.first?.sampledValue.first?.context == .samplePeriodic, !asked.contains(ref),
                let transaction = connectors.first(where: { $0.transaction?.ref == ref })?.transaction,
                let meters = signingMeter(for: transaction.connector)
            else { continue }
            asked.insert(ref)
            guard let reading = await meters.signedReading(connector: transaction.connector, context: .sample, idTag: transaction.idTag.value)
            else { continue }
            signed[ref] = reading.data
        }
        guard !signed.isEmpty else { return due }
        return due.map { message in
            guard case .meterValues(let ref?, var request, let target) = message, let data = signed[ref],
                request.meterValue.first?.sampledValue.first?.context == .samplePeriodic
            else { return message }
            request.meterValue[0].sampledValue.append(Self.signedValue(data, context: .samplePeriodic))
            return .meterValues(ref: ref, request, to: target)
        }
    }

    /// Writes the transaction MeterValues among `messages` for their
    /// operators, with the registers and the records that they report, in
    /// one commit. A value is never reported before its register is on disk.
    func recordMeterValues(_ messages: [OutgoingMessage], now: OCPPDateTime) {
        var write = TransactionWrite()
        for message in messages {
            guard case .meterValues(let ref?, let request, let target) = message,
                let index = connectors.firstIndex(where: { $0.transaction?.ref == ref }),
                var transaction = connectors[index].transaction
            else { continue }
            if let latest = request.meterValue.map(\.timestamp).max(), latest > transaction.lastReportedAt {
                transaction.lastReportedAt = latest
            }
            transaction.lastMeter = max(transaction.lastMeter, connectors[index].wattHours)
            connectors[index].transaction = transaction
            write.messages += meterMessages(transaction, request, to: target)
        }
        var all = energyWrite()
        // Every record that a message reports goes with it, moved or not.
        for connector in connectors {
            guard let transaction = connector.transaction,
                write.messages.contains(where: { $0.ref == transaction.ref }),
                !all.records.contains(where: { $0.ref == transaction.ref })
            else { continue }
            all.records.append(transaction.stored)
        }
        all.messages = write.messages
        if commit(all, now: now) { energyStored(all, now: now) }
    }

    /// A MeterValues of every connector (or one) now: TriggerMessage.
    func triggeredMeterValues(connector: Int?, for operatorName: String?, now: OCPPDateTime) -> [(Int64?, MeterValuesRequest)] {
        let measurands = configuration.list("MeterValuesSampledData", for: operatorName)
        return connectors.filter { connector == nil || $0.number == connector }.map { item in
            let values = sample(item, measurands: measurands.isEmpty ? ["Energy.Active.Import.Register"] : measurands, context: .trigger, now: now)
            return (
                item.transaction?.ref,
                MeterValuesRequest(
                    connectorId: item.number, transactionId: item.transaction == nil ? nil : 0,
                    meterValue: [MeterValue(timestamp: now, sampledValue: values)])
            )
        }
    }
}
