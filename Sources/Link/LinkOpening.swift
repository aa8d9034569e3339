import OCPP16

/// The link while its opening hook runs: CALLs made through it go before every other
/// caller's, which wait until the hook returns. This is how BootNotification is sent first on
/// every connection.
public struct LinkOpening: Sendable {
    let link: Link

    /// Sends a CALL ahead of the waiting callers and returns the typed confirmation.
    public func call<Request: OCPPRequest>(_ request: Request) async throws(LinkError) -> Request.Response {
        try await link.call(request, isPriority: true)
    }

    /// Sends an untyped CALL ahead of the waiting callers.
    public func call(action: String, payload: JSONObject) async throws(LinkError) -> CallResult {
        try await link.send(Call(messageId: "", action: action, payload: payload), isPriority: true)
    }
}
