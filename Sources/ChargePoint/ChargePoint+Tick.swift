import OCPP16

/// What happens with the passing of time alone.
extension ChargePoint {
    /// Called once a second: connection timeouts, reservation expiry,
    /// charging limits that change with the schedule, due meter values.
    public func tick(now: OCPPDateTime, audiences: [String]) async {
        lastTick = now
        for index in connectors.indices {
            if let pending = connectors[index].pendingStart, pending.until <= now {
                logger.info("no cable within ConnectionTimeOut: authorization dropped", metadata: ["connector": "\(index + 1)"])
                connectors[index].pendingStart = nil
                board.perform(.indicate(connector: index + 1, .idle))
            }
        }
        let expired = reservations.filter { $0.expiry <= now }
        if !expired.isEmpty {
            reservations.removeAll { $0.expiry <= now }
            saveReservations()
        }
        for name in unsavedCaches { saveAuthState(for: name, list: false) }
        unsavedCaches.removeAll()
        applyLimits(now: now)
        wakeAfterRetry.formUnion(retryUnwritten(now: now))
        await emitDueSecurityEvents(now: now)
        storeEnergy(now: now, onlyIfDue: true)
        await emitDueMeterValues(audiences: audiences.isEmpty ? [""] : audiences, now: now)
        await advanceFirmware(now: now)
        await advanceDiagnostics(now: now)
        if !wakeAfterRetry.isEmpty {
            let operators = wakeAfterRetry
            wakeAfterRetry.removeAll()
            await uplink?.transactionMessagesWritten(for: operators)
        }
        await reportStatuses(now: now)
    }
}
