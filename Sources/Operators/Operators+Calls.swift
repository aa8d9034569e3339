import ChargePoint
import Configuration
import Link
import Logging
import OCPP16

/// Incoming CALLs: validated, then each handed to its action, which reads its
/// row of the rule book and carries it out.
extension Operators {
    func answer(_ call: Call, from name: String) async -> Frame {
        if let action = OCPPAction(name: call.action), Self.unhandledSecurityActions.contains(action) {
            // The security extension's messages are typed and validated in OCPP16; those not
            // handled yet get the answer they got before they were known, whatever their
            // payload or direction.
            let error = FrameError(messageId: call.messageId, code: .notImplemented, reason: "unknown action '\(call.action)'")
            logger.notice("refused a malformed call", metadata: ["operator": "\(name)", "error": "\(error)"])
            return .callError(CallError(messageId: call.messageId, errorCode: error.code, errorDescription: error.reason))
        }
        let request: any OCPPRequest
        do {
            request = try call.validatedRequest(receivedBy: .chargePoint)
        } catch {
            logger.notice("refused a malformed call", metadata: ["operator": "\(name)", "error": "\(error)"])
            invalidMessage(from: name, reason: "\(call.action): \(error)")
            return .callError(error.reply ?? CallError(messageId: call.messageId, errorCode: error.code, errorDescription: error.reason))
        }
        guard let entry = entries.first(where: { $0.name == name }) else {
            return .callError(CallError(messageId: call.messageId, errorCode: .securityError, errorDescription: "operator no longer in the list"))
        }
        let response = await respond(to: request, from: entry)
        return .callResult(CallResult(messageId: call.messageId, response: response))
    }

    /// The security extension's actions still answered NotImplemented: one a line, each
    /// removed when it gets its home in `Actions/`.
    static let unhandledSecurityActions: Set<OCPPAction> = [
        .signCertificate,
        .signedFirmwareStatusNotification,
    ]

    /// Hands the call to its action (`Actions/`, one file each).
    func respond(to request: any OCPPRequest, from entry: OperatorEntry) async -> any OCPPMessage {
        guard let action = request as? any IncomingAction else {
            // Every action a Central System may send has a home; this is only reached by a new
            // message type that was decoded but given none.
            logger.error("no handling for an incoming action", metadata: ["action": "\(type(of: request).action.rawValue)"])
            return DataTransferResponse(status: .rejected)
        }
        return await run(action, from: entry)
    }

    /// The root the operator's current TLS connection was verified with.
    func trustAnchor(of name: String) async -> [UInt8]? {
        await sessions[name]?.link.trustAnchor
    }

    /// A message that belongs to one operator's connection (BootNotification, Heartbeat).
    func postToConnection(_ request: any OCPPRequest & Sendable, of name: String) {
        sessions[name]?.post(request)
    }

    func setHeartbeatInterval(_ seconds: Int, for name: String) async {
        await sessions[name]?.state.setHeartbeatInterval(seconds)
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
