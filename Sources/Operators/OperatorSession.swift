import ChargePoint
import Configuration
import Link
import OCPP16
import Synchronization

/// One operator while it is in the list: its entry, its link, whether the
/// Central System accepted our BootNotification, and its heartbeat.
final class OperatorSession: Sendable {
    let entry: OperatorEntry
    let link: Link
    let outbox: OperatorOutbox
    let state: SessionState
    /// Status and other non-durable messages go out through one ordered
    /// stream, so the operator sees them in the order they happened.
    let posts: AsyncStream<any OCPPRequest & Sendable>.Continuation
    let postStream: AsyncStream<any OCPPRequest & Sendable>
    /// Posted messages not yet sent (or dropped), so that a clean shutdown
    /// can give them time to leave.
    private let unsentPosts = Mutex(0)

    init(entry: OperatorEntry, link: Link, outbox: OperatorOutbox) {
        self.entry = entry
        self.link = link
        self.outbox = outbox
        self.state = SessionState()
        (postStream, posts) = AsyncStream.makeStream(of: (any OCPPRequest & Sendable).self, bufferingPolicy: .bufferingNewest(256))
    }

    var name: String { entry.name }

    var pendingPosts: Int { unsentPosts.withLock { $0 } }

    func post(_ request: any OCPPRequest & Sendable) {
        // When the buffer is full the oldest is dropped: the count stays.
        if case .enqueued = posts.yield(request) { unsentPosts.withLock { $0 += 1 } }
    }

    /// Sends posted messages one at a time while the link is open; a message
    /// posted while it is closed is dropped (status is resent on reconnect).
    func runPosts() async {
        for await request in postStream {
            if await state.registered { _ = try? await send(request) }
            unsentPosts.withLock { $0 = max(0, $0 - 1) }
        }
    }

    private func send<R: OCPPRequest>(_ request: R) async throws(LinkError) -> R.Response {
        try await link.call(request)
    }
}

/// What changes in a session, guarded by an actor of its own.
actor SessionState {
    /// The longest heartbeat interval, in seconds: a day. The interval comes
    /// from the Central System's BootNotification.conf or a ChangeConfiguration,
    /// and a larger one is taken as a day rather than computed with.
    static let maximumHeartbeatInterval = 86_400

    var registration: RegistrationStatus?
    var heartbeatInterval: Int64 = 300
    var lastHeartbeat: OCPPDateTime?
    var open = false

    var registered: Bool { open && registration == .accepted }

    func opened(_ response: BootNotificationResponse, at now: OCPPDateTime) {
        open = true
        registration = response.status
        setHeartbeatInterval(response.interval)
        lastHeartbeat = now
    }

    func closed() {
        open = false
    }

    /// A positive number of seconds, at most a day; 0 or less leaves the interval as it is.
    func setHeartbeatInterval(_ seconds: Int) {
        if seconds > 0 { heartbeatInterval = Int64(min(seconds, Self.maximumHeartbeatInterval)) }
    }

    /// Whether a heartbeat is due now; marks it as sent if so.
    func heartbeatDue(at now: OCPPDateTime) -> Bool {
        guard registered, let last = lastHeartbeat else { return false }
        guard now.millisecondsSince1970 - last.millisecondsSince1970 >= heartbeatInterval * 1000 else { return false }
        lastHeartbeat = now
        return true
    }
}
