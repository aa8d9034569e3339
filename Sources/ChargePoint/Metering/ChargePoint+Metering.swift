import OCPP16
import Store

/// Sampled and clock-aligned meter values, per operator.
extension ChargePoint {
    /// The measured values of one connector for the given measurands.
    func sample(_ connector: Connector, measurands: [String], context: ReadingContext, now: OCPPDateTime) -> [SampledValue] {
        let delivering = connector.relayCommanded && connector.evDrawing && connector.plugged
        let amperes = delivering ? (connector.limitAmperes ?? 32) : 0
        let offered = connector.transaction == nil ? 0 : (connector.limitAmperes ?? 32)
        var values: [SampledValue] = []
        for name in measurands {
            guard let measurand = Measurand(rawValue: name) else { continue }
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

    func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
    }

    /// Begin and end values for StopTransaction.transactionData. Always
    /// made; each operator gets what its own StopTxnSampledData asks for
    /// (the operators layer leaves out the rest).
    func stopTransactionData(_ transaction: Transaction, meterStop: Int64, now: OCPPDateTime) -> [MeterValue]? {
        // Only the energy register is kept from a transaction's start.
        let begin = SampledValue(value: "\(transaction.meterStart)", context: .transactionBegin, measurand: .energyActiveImportRegister, location: .outlet, unit: .wh)
        var end = begin
        end.value = "\(meterStop)"
        end.context = .transactionEnd
        return [MeterValue(timestamp: transaction.startedAt, sampledValue: [begin]), MeterValue(timestamp: now, sampledValue: [end])]
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
        recordMeterValues(due, now: now)
        for message in due { await uplink?.emit(message) }
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
