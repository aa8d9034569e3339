import OCPP16

extension ChargePoint {
    /// ChangeAvailability never ends a transaction: it is Scheduled instead.
    func changeAvailability(_ request: ChangeAvailabilityRequest, now: OCPPDateTime) async -> AvailabilityStatus {
        let targets: [Int]
        if request.connectorId == 0 {
            targets = Array(connectors.indices)
        } else if let index = index(of: request.connectorId) {
            targets = [index]
        } else {
            return .rejected
        }
        var scheduled = false
        for index in targets {
            if request.type == .operative {
                connectors[index].operative = true
                connectors[index].inoperativeScheduled = false
            } else if connectors[index].transaction != nil {
                connectors[index].inoperativeScheduled = true
                scheduled = true
            } else {
                connectors[index].operative = false
                connectors[index].pendingStart = nil
            }
        }
        let inoperative = connectors.filter { !$0.operative || $0.inoperativeScheduled }.map { String($0.number) }.joined(separator: ",")
        persist("the availability") { try persistence?.set(namespace: "state", key: "inoperative", value: inoperative) }
        await reportStatuses(now: now)
        return scheduled ? .scheduled : .accepted
    }
}

extension ChangeAvailabilityRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> ChangeAvailabilityResponse {
        ChangeAvailabilityResponse(status: await chargePoint.changeAvailability(self, now: now))
    }
}
