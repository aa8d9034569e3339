import OCPP16

/// Why a link could not do what was asked, in words an operator of the charger can act on.
public enum LinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration cannot work; retrying will not help.
    case invalidConfiguration(String)
    /// No connection is open: the CALL was not sent.
    case notOpen
    /// The connection ended before the answer came.
    case connectionClosed(reason: String)
    /// No answer within the call timeout.
    case timedOut(action: String, after: Duration)
    /// The Central System answered with a CALLERROR.
    case callError(CallError)
    /// The CALLRESULT does not match the action's confirmation.
    case invalidResponse(action: String, PayloadError)
    /// TCP could not connect.
    case unreachable(String)
    /// The server answered the upgrade with something other than 101.
    case upgradeRefused(status: Int, reason: String)
    /// The server did not agree to speak `ocpp1.6`.
    case subprotocolRefused(offered: String?)
    /// The HTTP upgrade broke off or was malformed.
    case upgradeFailed(String)
    case tls(TLSFailure)
    /// The server broke the WebSocket or OCPP-J framing rules.
    case protocolViolation(String)
    /// An incoming message was longer than the configured maximum.
    case messageTooLarge(limit: Int)
    /// The server sent a close frame.
    case closedByServer(code: Int?, reason: String)
    /// The opening hook (BootNotification) failed, so the connection was closed.
    case openHandlerFailed(String)
    /// A ping went unanswered.
    case pingTimedOut
    /// The link is shutting down.
    case shutDown
    /// An `HTTPDownload` did not deliver the file; nothing was left under its name.
    case downloadFailed(String)
    /// An HTTP upload (GetDiagnostics) did not complete.
    case uploadFailed(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let text): "invalid link configuration: \(text)"
        case .notOpen: "the link is not open"
        case .connectionClosed(let reason): "connection closed: \(reason)"
        case .timedOut(let action, let after): "no answer to \(action) within \(after)"
        case .callError(let error):
            "CALLERROR \(error.errorCode.rawValue)" + (error.errorDescription.isEmpty ? "" : ": \(error.errorDescription)")
        case .invalidResponse(let action, let error): "invalid \(action) confirmation: \(error)"
        case .unreachable(let text): "cannot connect: \(text)"
        case .upgradeRefused(let status, let reason):
            "server refused the WebSocket upgrade with HTTP \(status) \(reason)"
                + (status == 401 || status == 403 ? " (check the charge point id and AuthorizationKey)" : "")
        case .subprotocolRefused(let offered):
            "server did not accept subprotocol ocpp1.6" + (offered.map { " (it chose '\($0)')" } ?? " (it chose none)")
        case .upgradeFailed(let text): "WebSocket upgrade failed: \(text)"
        case .tls(let failure): failure.description
        case .protocolViolation(let text): "protocol violation: \(text)"
        case .messageTooLarge(let limit): "incoming message larger than \(limit) bytes"
        case .closedByServer(let code, let reason):
            "closed by the server" + (code.map { " with code \($0)" } ?? "") + (reason.isEmpty ? "" : ": \(reason)")
        case .openHandlerFailed(let text): "opening the connection failed: \(text)"
        case .pingTimedOut: "no pong to our ping: the link is dead"
        case .shutDown: "the link is shutting down"
        case .downloadFailed(let reason): "download failed: \(reason)"
        case .uploadFailed(let reason): "upload failed: \(reason)"
        }
    }
}

/// A TLS failure, with OpenSSL's own reason.
public struct TLSFailure: Sendable, Equatable, CustomStringConvertible {
    /// The X509_V_ERR_* code when the server's certificate was the problem.
    public var verificationError: Int?
    /// OpenSSL's text: "certificate has expired", "hostname mismatch", ...
    public var reason: String

    public init(verificationError: Int? = nil, reason: String) {
        self.verificationError = verificationError
        self.reason = reason
    }

    public var description: String {
        if let code = verificationError {
            return "TLS: server certificate refused: \(reason) (X509 error \(code))"
        }
        return "TLS: \(reason)"
    }
}
