import OCPP16

extension ChargePoint {
    /// RemoteStartTransaction: with AuthorizeRemoteTxRequests the idTag is
    /// authorized first, as if it were presented locally.
    func remoteStart(_ request: RemoteStartTransactionRequest, from origin: RequestOrigin, now: OCPPDateTime) async -> AcceptanceStatus {
        if let profile = request.chargingProfile, profile.chargingProfilePurpose != .txProfile {
            return .rejected
        }
        guard let connector = connectorForNewSession(reader: request.connectorId, idTag: request.idTag, now: now) else {
            return .rejected
        }
        if request.connectorId == 0 { return .rejected }
        if let profile = request.chargingProfile,
            let rejection = remoteStartProfileRejection(profile, on: connector, for: origin.operatorName ?? "", now: now)
        {
            logger.notice("RemoteStartTransaction refused: its TxProfile cannot be installed", metadata: ["reason": "\(rejection)"])
            return .rejected
        }
        var parent: IdToken?
        if configuration.boolean("AuthorizeRemoteTxRequests") {
            let decision = await authorize(request.idTag, now: now)
            guard decision.accepted else { return .rejected }
            parent = decision.info.parentIdTag
        }
        if let profile = request.chargingProfile {
            pendingRemoteProfiles[connector] = (profile, origin.operatorName ?? "")
        }
        await beginSession(on: connector, idTag: request.idTag, parentIdTag: parent, now: now)
        return .accepted
    }
}

extension RemoteStartTransactionRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> RemoteStartTransactionResponse {
        RemoteStartTransactionResponse(status: await chargePoint.remoteStart(self, from: origin, now: now))
    }
}
