import Board
import Store
import OCPP16

/// A driver's session: card, plug, start, stop.
extension ChargePoint {
    /// Feeds one hardware event in.
    public func handle(_ event: BoardEvent, now: OCPPDateTime) async {
        switch event {
        case .cardRead(let connector, let text):
            guard let idTag = IdToken(text) else {
                logger.notice("card id longer than 20 characters ignored")
                board.perform(.indicate(connector: connector, .rejected))
                return
            }
            await presentCard(idTag, at: connector, now: now)
        case .plug(let connector, let connected):
            guard let index = index(of: connector) else { return }
            connectors[index].plugged = connected
            if connected {
                if let pending = connectors[index].pendingStart {
                    connectors[index].pendingStart = nil
                    await startTransaction(
                        on: connector, idTag: pending.idTag, parentIdTag: pending.parentIdTag,
                        reservationId: pending.reservationId, now: now)
                }
            } else {
                connectors[index].finishing = false
                if connectors[index].transaction != nil, configuration.boolean("StopTransactionOnEVSideDisconnect") {
                    await stopTransaction(on: connector, reason: .evDisconnected, idTag: nil, now: now)
                    connectors[index].finishing = false
                }
            }
        case .relayFeedback:
            // The board supervises its own feedback contact and reports a
            // mismatch as a PowerSwitchFailure fault.
            break
        case .energy(let connector, let wattHours):
            guard let index = index(of: connector) else { return }
            // The register never goes backwards, whatever a meter says.
            registerMoved(index, to: wattHours, now: now)
        case .meterReading(let connector, let reading):
            await meterRead(reading, on: connector, now: now)
        case .evDrawing(let connector, let drawing):
            guard let index = index(of: connector) else { return }
            connectors[index].evDrawing = drawing
        case .fault(let connector, let fault, let active):
            guard let index = index(of: connector) else { return }
            if active {
                connectors[index].faults.insert(fault)
                board.perform(.relay(connector: connector, closed: false))
                connectors[index].relayCommanded = false
                board.perform(.indicate(connector: connector, .fault))
                // A meter that does not answer cannot measure: no energy
                // flows until it answers again, but the session is the
                // driver's and stays.
                if connectors[index].transaction != nil, fault != .powerMeterFailure {
                    let reason: StopReason = fault == .emergencyStop ? .emergencyStop : .other
                    await stopTransaction(on: connector, reason: reason, idTag: nil, now: now)
                }
            } else {
                let removed = connectors[index].faults.remove(fault) != nil
                if removed, connectors[index].faults.isEmpty, let transaction = connectors[index].transaction,
                    !transaction.deauthorized, !connectors[index].stopping
                {
                    setRelay(connector, closed: true)
                    board.perform(.indicate(connector: connector, .charging))
                }
            }
        case .tamper(let active):
            if active {
                await securityEvent(.tamperDetectionActivated, techInfo: "the enclosure's tamper switch opened", now: now)
            } else {
                logger.notice("the enclosure's tamper switch closed again")
            }
        case .externalLimit:
            // Handled as the external-limit work lands.
            return
        case .alive:
            // The daemon's watchdog takes its answers before they come here.
            return
        }
        await reportStatuses(now: now)
    }

    /// A card at the reader: stops the session it owns, or starts one.
    func presentCard(_ idTag: IdToken, at reader: Int?, now: OCPPDateTime) async {
        // A card that owns a running transaction stops it.
        if await stopSession(at: reader, by: idTag, now: now, where: { $0.idTag == idTag }) { return }
        let decision = await authorize(idTag, now: now)
        // Same parent (group) as the card that started it: may stop it too.
        if decision.accepted, let parent = decision.info.parentIdTag,
            await stopSession(at: reader, by: idTag, now: now, where: { $0.parentIdTag == parent })
        {
            return
        }
        guard decision.accepted else {
            logger.info("card refused", metadata: ["status": "\(decision.info.status.rawValue)", "source": "\(decision.source.rawValue)"])
            board.perform(.indicate(connector: reader, .rejected))
            return
        }
        guard let target = connectorForNewSession(reader: reader, idTag: idTag, now: now) else {
            board.perform(.indicate(connector: reader, .rejected))
            return
        }
        board.perform(.indicate(connector: target, .accepted))
        await beginSession(on: target, idTag: idTag, parentIdTag: decision.info.parentIdTag, now: now)
    }

    /// Stops the first transaction at `reader` (any, for a shared reader)
    /// that `matches`; whether there was one.
    func stopSession(at reader: Int?, by idTag: IdToken, now: OCPPDateTime, where matches: (Transaction) -> Bool) async -> Bool {
        guard let connector = connectors.first(where: { connector in
            connector.transaction.map(matches) == true && (reader == nil || reader == connector.number)
        }) else { return false }
        await stopTransaction(on: connector.number, reason: .local, idTag: idTag, now: now)
        board.perform(.indicate(connector: connector.number, .accepted))
        return true
    }

    /// Starts at once if the cable is in, else waits ConnectionTimeOut for it.
    func beginSession(on connector: Int, idTag: IdToken, parentIdTag: IdToken?, now: OCPPDateTime) async {
        guard let index = index(of: connector) else { return }
        let reservation = reservation(for: connector)
        let reservationId = reservation.flatMap { $0.idTag == idTag || ($0.parentIdTag != nil && $0.parentIdTag == parentIdTag) ? $0.id : nil }
        if connectors[index].plugged {
            await startTransaction(on: connector, idTag: idTag, parentIdTag: parentIdTag, reservationId: reservationId, now: now)
        } else {
            let timeout = Int64(configuration.integer("ConnectionTimeOut"))
            connectors[index].pendingStart = PendingStart(
                idTag: idTag, parentIdTag: parentIdTag, until: now.adding(seconds: timeout), reservationId: reservationId)
        }
        await reportStatuses(now: now)
    }

    /// Which connector a new session at `reader` goes to: the reader's own,
    /// or with a shared reader the first free one with a cable in.
    func connectorForNewSession(reader: Int?, idTag: IdToken, now: OCPPDateTime) -> Int? {
        func free(_ connector: Connector) -> Bool {
            connector.transaction == nil && connector.faults.isEmpty && connector.operative
                && (reservation(for: connector.number).map { $0.idTag == idTag } ?? true)
        }
        if let reader {
            return connectors.first { $0.number == reader && free($0) }?.number
        }
        return (connectors.first { free($0) && $0.plugged } ?? connectors.first(where: free))?.number
    }

    /// Decides on an idTag: free vend, local pre-authorization, the
    /// authority, or the offline rules, in that order.
    func authorize(_ idTag: IdToken, now: OCPPDateTime) async -> AuthorizationDecision {
        if let freeVend {
            _ = freeVend
            return AuthorizationDecision(info: IdTagInfo(status: .accepted), source: .freeVend)
        }
        let authority = uplink?.authorityName
        let local = localAuthorizer(for: authority)
        guard let authority else {
            // Nobody is in charge of money: only the configured list counts.
            if let info = configuredList.lookup(idTag) {
                return AuthorizationDecision(info: info, source: .localList)
            }
            return AuthorizationDecision(info: IdTagInfo(status: .invalid), source: .localList)
        }
        if let verdict = local.preAuthorize(idTag, at: now) { return verdict }
        if await uplink?.authorityOnline == true, let info = await uplink?.authorize(idTag) {
            if configuration.boolean("AuthorizationCacheEnabled") {
                caches[authority, default: AuthorizationCache()].remember(idTag, info)
                // Written on the next tick: a cache entry is not worth a disk
                // write between the card and the relay.
                unsavedCaches.insert(authority)
            }
            return AuthorizationDecision(info: info, source: .authority)
        }
        return local.offline(idTag, at: now)
    }

    func localAuthorizer(for operatorName: String?) -> LocalAuthorizer {
        LocalAuthorizer(
            configuration: configuration,
            list: operatorName.flatMap { localLists[$0] } ?? LocalAuthList(),
            cache: operatorName.flatMap { caches[$0] } ?? AuthorizationCache())
    }

    /// Starts a transaction: its record and its StartTransaction for every
    /// operator are written in one commit before the relay closes. Refused
    /// (the driver sees it) when that record cannot be written.
    func startTransaction(on connector: Int, idTag: IdToken, parentIdTag: IdToken?, reservationId: Int?, now: OCPPDateTime) async {
        guard let index = index(of: connector), connectors[index].transaction == nil else { return }
        guard let stored = storedLastRef() else {
            board.perform(.indicate(connector: connector, .rejected))
            await reportStatuses(now: now)
            return
        }
        let ref = max(lastRef, stored) + 1
        var transaction = Transaction(
            ref: ref, connector: connector, idTag: idTag, parentIdTag: parentIdTag,
            meterStart: connectors[index].wattHours, startedAt: now, reservationId: reservationId, authority: uplink?.authorityName)
        transaction.lastMeterAt = now
        // meterStart is reported: the register goes to disk with the record,
        // so that it never reads lower after a restart.
        var write = energyWrite()
        write.append(TransactionWrite(records: [transaction.stored], messages: startMessages(transaction)))
        guard commit(write, now: now, keep: false) else {
            logger.error("transaction not started: its record cannot be written", metadata: ["connector": "\(connector)"])
            connectors[index].pendingStart = nil
            board.perform(.indicate(connector: connector, .rejected))
            await reportStatuses(now: now)
            return
        }
        energyStored(write, now: now)
        lastRef = ref
        connectors[index].transaction = transaction
        connectors[index].finishing = false
        if let reservationId { reservations.removeAll { $0.id == reservationId } }
        sampling.transactionStarted(transaction.ref, at: now)
        installPendingRemoteProfile(on: connector, ref: transaction.ref, now: now)
        connectors[index].reportedLimit = nil
        setRelay(connector, closed: true)
        applyLimits(now: now)
        board.perform(.indicate(connector: connector, .charging))
        logger.info("transaction started", metadata: ["ref": "\(transaction.ref)", "connector": "\(connector)"])
        await uplink?.emit(.startTransaction(ref: transaction.ref, transaction.startRequest))
        takeSignedBegin(of: transaction, now: now)
        await reportStatuses(now: now)
    }

    func setRelay(_ connector: Int, closed: Bool) {
        guard let index = index(of: connector) else { return }
        let shouldClose = closed && connectors[index].faults.isEmpty && (connectors[index].limitAmperes ?? 1) > 0
        connectors[index].relayCommanded = shouldClose
        board.perform(.relay(connector: connector, closed: shouldClose))
    }

    /// Ends the transaction on `connector`: relay open first, then the
    /// StopTransaction for every operator and the end of the record in one
    /// commit (kept and retried if the disk refuses it), then the connector.
    ///
    /// With a signing meter, the signed end reading is taken after the relay
    /// opened and before that commit; meanwhile the transaction cannot be
    /// stopped again.
    public func stopTransaction(on connector: Int, reason: StopReason, idTag: IdToken?, now: OCPPDateTime) async {
        guard let index = index(of: connector), let running = connectors[index].transaction, !connectors[index].stopping
        else { return }
        board.perform(.relay(connector: connector, closed: false))
        connectors[index].relayCommanded = false
        var signedEnd: SignedMeterReading?
        if signingMeter(for: connector) != nil {
            connectors[index].stopping = true
            signedEnd = await takeSignedEnd(of: running)
            connectors[index].stopping = false
        }
        // What the wait for the meter let in may have moved the record.
        guard let transaction = connectors[index].transaction, transaction.ref == running.ref else { return }
        let meterStop = max(connectors[index].wattHours, transaction.meterStart)
        // Never stamped before a meter value an operator already has.
        let stamp = max(now, transaction.lastReportedAt)
        var stop = StopTransactionRequest(
            idTag: idTag ?? transaction.idTag, meterStop: Int(meterStop), timestamp: stamp, transactionId: 0, reason: reason)
        stop.transactionData = stopTransactionData(transaction, meterStop: meterStop, signedEnd: signedEnd?.data, now: stamp)
        var write = energyWrite()
        write.append(TransactionWrite(messages: stopMessages(transaction, stop), ended: [transaction.ref]))
        if commit(write, now: now) { energyStored(write, now: now) }
        connectors[index].transaction = nil
        connectors[index].finishing = connectors[index].plugged
        connectors[index].limitAmperes = nil
        connectors[index].reportedLimit = nil
        sampling.transactionEnded(transaction.ref)
        transactionEndedForProfiles(connector: connector)
        if connectors[index].inoperativeScheduled {
            connectors[index].inoperativeScheduled = false
            connectors[index].operative = false
        }
        if reason == .evDisconnected, configuration.boolean("UnlockConnectorOnEVSideDisconnect") {
            connectors[index].finishing = false
        }
        board.perform(.indicate(connector: connector, .idle))
        logger.info("transaction stopped", metadata: ["ref": "\(transaction.ref)", "reason": "\(reason.rawValue)"])
        await uplink?.emit(.stopTransaction(ref: transaction.ref, stop))
        await reportStatuses(now: now)
    }

    /// The authority's verdict from StartTransaction.conf. A refusal ends
    /// (StopTransactionOnInvalidId) or suspends the transaction.
    public func startConfirmed(ref: Int64, idTagInfo: IdTagInfo, now: OCPPDateTime) async {
        guard let index = connectors.firstIndex(where: { $0.transaction?.ref == ref }),
            var transaction = connectors[index].transaction
        else { return }
        if let authority = transaction.authority, configuration.boolean("AuthorizationCacheEnabled") {
            caches[authority, default: AuthorizationCache()].remember(transaction.idTag, idTagInfo)
            saveAuthState(for: authority, list: false)
        }
        if transaction.parentIdTag == nil, let parent = idTagInfo.parentIdTag {
            transaction.parentIdTag = parent
        }
        guard idTagInfo.status != .accepted else {
            connectors[index].transaction = transaction
            commit(TransactionWrite(records: [transaction.stored]), now: now)
            return
        }
        transaction.deauthorized = true
        connectors[index].transaction = transaction
        commit(TransactionWrite(records: [transaction.stored]), now: now)
        if configuration.boolean("StopTransactionOnInvalidId") {
            await stopTransaction(on: connectors[index].number, reason: .deAuthorized, idTag: nil, now: now)
        } else {
            // Keep the session open for the record but deliver no more energy.
            setRelay(connectors[index].number, closed: false)
            await reportStatuses(now: now)
        }
    }
}
