import OCPP16

/// ReserveNow and CancelReservation.
extension ChargePoint {
    static let reservationsKey = "reservations"

    func reservation(for connector: Int) -> Reservation? {
        if let own = reservations.first(where: { $0.connector == connector }) { return own }
        // A reservation of connector 0 holds back one connector: the last free one.
        let free = connectors.filter { $0.transaction == nil && !$0.plugged && $0.faults.isEmpty && $0.operative }
        let specific = Set(reservations.map(\.connector))
        let unreserved = free.filter { !specific.contains($0.number) }
        if let anywhere = reservations.first(where: { $0.connector == 0 }), unreserved.count == 1,
            unreserved.first?.number == connector
        {
            return anywhere
        }
        return nil
    }

    public func reserveNow(_ request: ReserveNowRequest, by operatorName: String?, now: OCPPDateTime) async -> ReservationStatus {
        if request.connectorId == 0 {
            guard configuration.boolean("ReserveConnectorZeroSupported") else { return .rejected }
        } else {
            guard let index = index(of: request.connectorId) else { return .rejected }
            let connector = connectors[index]
            if !connector.faults.isEmpty { return .faulted }
            if !connector.operative { return .unavailable }
            if connector.transaction != nil || connector.plugged || connector.pendingStart != nil { return .occupied }
            if let other = reservations.first(where: { $0.connector == request.connectorId }), other.id != request.reservationId {
                return .occupied
            }
        }
        guard request.expiryDate > now else { return .rejected }
        reservations.removeAll { $0.id == request.reservationId }
        reservations.append(
            Reservation(
                id: request.reservationId, connector: request.connectorId, idTag: request.idTag,
                parentIdTag: request.parentIdTag, expiry: request.expiryDate, operatorName: operatorName))
        saveReservations()
        await reportStatuses(now: now)
        return .accepted
    }

    public func cancelReservation(_ request: CancelReservationRequest, now: OCPPDateTime) async -> AcceptanceStatus {
        guard reservations.contains(where: { $0.id == request.reservationId }) else { return .rejected }
        reservations.removeAll { $0.id == request.reservationId }
        saveReservations()
        await reportStatuses(now: now)
        return .accepted
    }

    func saveReservations() {
        let text = String(decoding: PayloadCoding.encodedBytes(reservations), as: UTF8.self)
        persist("the reservations") { try persistence?.set(namespace: "state", key: Self.reservationsKey, value: text) }
    }

    func loadReservations() {
        guard let text = readState(Self.reservationsKey, "the reservations"),
            let json = try? JSONParser.parse(text),
            let stored = try? PayloadCoding.decode([Reservation].self, from: json)
        else { return }
        reservations = stored
    }
}
