import ChargePoint
import Configuration
import Link
import Logging
import OCPP16

/// Incoming CALLs: validated, checked against the permission table, then
/// answered by the charge point (or here, for what belongs to the list).
extension Operators {
    func answer(_ call: Call, from name: String) async -> Frame {
        let request: any OCPPRequest
        do {
            request = try call.validatedRequest(receivedBy: .chargePoint)
        } catch {
            logger.notice("refused a malformed call", metadata: ["operator": "\(name)", "error": "\(error)"])
            return .callError(error.reply ?? CallError(messageId: call.messageId, errorCode: error.code, errorDescription: error.reason))
        }
        guard let entry = entries.first(where: { $0.name == name }) else {
            return .callError(CallError(messageId: call.messageId, errorCode: .securityError, errorDescription: "operator no longer in the list"))
        }
        let response = await respond(to: request, from: entry)
        return .callResult(CallResult(messageId: call.messageId, response: response))
    }

    func respond(to request: any OCPPRequest, from entry: OperatorEntry) async -> any OCPPMessage {
        let now = clock()
        let transactions = await chargePoint.transactions
        var context = PermissionContext(
            role: entry.role, isAuthority: entry.name == authorityName, anyTransaction: !transactions.isEmpty)
        var forwarded = request
        switch request {
        case let stop as RemoteStopTransactionRequest:
            // The operator names the transaction by its own id.
            if let ref = knownRef(of: stop.transactionId, for: entry.name),
                let transaction = transactions.first(where: { $0.ref == ref })
            {
                context.ownsTransaction = transaction.authority == entry.name
                forwarded = RemoteStopTransactionRequest(transactionId: Int(ref))
            } else {
                return RemoteStopTransactionResponse(status: .rejected)
            }
        case let unlock as UnlockConnectorRequest:
            context.transactionOnConnector = transactions.contains { $0.connector == unlock.connectorId }
        case let set as SetChargingProfileRequest:
            // A TxProfile names the transaction by this operator's own id.
            if let transactionId = set.csChargingProfiles.transactionId {
                guard let ref = knownRef(of: transactionId, for: entry.name) else {
                    return SetChargingProfileResponse(status: .rejected)
                }
                var translated = set
                translated.csChargingProfiles.transactionId = Int(ref)
                forwarded = translated
            }
        default:
            break
        }
        if case .refuse(let answer) = permission(for: request, in: context) {
            logger.notice("refused by the role rules", metadata: ["operator": "\(entry.name)", "action": "\(type(of: request).action.rawValue)", "role": "\(entry.role.rawValue)"])
            return answer
        }
        switch forwarded {
        case let transfer as DataTransferRequest where transfer.vendorId.value == OperatorListTransfer.vendorId:
            return await operatorListTransfer(transfer, from: entry.name)
        case let trigger as TriggerMessageRequest where trigger.requestedMessage == .bootNotification || trigger.requestedMessage == .heartbeat:
            if let session = sessions[entry.name] {
                if trigger.requestedMessage == .heartbeat {
                    session.post(HeartbeatRequest())
                } else {
                    session.post(chargePoint.bootNotification)
                }
            }
            return TriggerMessageResponse(status: .accepted)
        case let change as ChangeConfigurationRequest where change.key.value.lowercased() == "heartbeatinterval":
            let answer = await chargePoint.respond(to: change, from: RequestOrigin(operatorName: entry.name), now: now)
            // Only a value the configuration took, as it took it: never the raw text of a refused one.
            if (answer as? ChangeConfigurationResponse)?.status == .accepted {
                let seconds = await chargePoint.configuration.integer("HeartbeatInterval", for: entry.name)
                await sessions[entry.name]?.state.setHeartbeatInterval(seconds)
            }
            return answer
        default:
            return await chargePoint.respond(to: forwarded, from: RequestOrigin(operatorName: entry.name), now: now)
        }
    }

    /// The transaction an operator names by its own transactionId.
    func knownRef(of transactionId: Int, for name: String) -> Int64? {
        do {
            return try ledger.ref(of: transactionId, for: name)
        } catch {
            logger.error("cannot read the transaction ids", metadata: ["operator": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    func operatorListTransfer(_ request: DataTransferRequest, from name: String) async -> DataTransferResponse {
        switch request.messageId?.value {
        case OperatorListTransfer.setMessageId:
            switch acceptPushedList(request.data ?? "", from: name) {
            case .success(let pushed):
                logger.info("operator list pushed", metadata: ["by": "\(name)", "version": "\(pushed.version)"])
                // Answer first; connecting and disconnecting happen after.
                Task { await self.apply(pushed.operators) }
                return DataTransferResponse(status: .accepted)
            case .failure(let refusal):
                logger.notice("pushed operator list refused", metadata: ["by": "\(name)", "reasons": "\(refusal)"])
                return DataTransferResponse(status: .rejected, data: refusal.json)
            }
        case OperatorListTransfer.getMessageId:
            let version: Int = if case .pushed(let version, _) = source { version } else { 0 }
            let list = OperatorListTransfer.PushedList(version: version, operators: entries)
            return DataTransferResponse(status: .accepted, data: OperatorListTransfer.encode(list, includeSecrets: false))
        default:
            return DataTransferResponse(status: .unknownMessageId)
        }
    }
}
