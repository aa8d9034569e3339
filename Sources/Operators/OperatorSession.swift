import ChargePoint
import Configuration
import Link
import OCPP16
import Synchronization

/// A message that is not queued durably (status, heartbeat, …), and the
/// sequence number of the newest queued message when it was posted: it is
/// sent only once this operator's queue holds nothing up to that number, so
/// that a status never overtakes the transaction message it follows.
struct Post: Sendable {
    var request: any OCPPRequest & Sendable
    var after: Int64?
    /// Told the Central System's answer, when the sender wants to know it.
    var answered: (@Sendable (Result<any OCPPMessage, LinkError>) -> Void)? = nil
}

/// One operator while it is in the list: its entry, its link, whether the
/// Central System accepted our BootNotification, and its heartbeat.
final class OperatorSession: Sendable {
    let entry: OperatorEntry
    let link: any OperatorLink
    let outbox: OperatorOutbox
    let state: SessionState
    /// Status and other non-durable messages go out through one ordered
    /// stream, so the operator sees them in the order they happened.
    let posts: AsyncStream<Post>.Continuation
    let postStream: AsyncStream<Post>
    /// Posted messages not yet sent (or dropped), so that a clean shutdown
    /// can give them time to leave.
    private let unsentPosts = Mutex(0)

    init(entry: OperatorEntry, link: any OperatorLink, outbox: OperatorOutbox) {
        self.entry = entry
        self.link = link
        self.outbox = outbox
        self.state = outbox.progress
        (postStream, posts) = AsyncStream.makeStream(of: Post.self, bufferingPolicy: .unbounded)
    }

    var name: String { entry.name }

    var pendingPosts: Int { unsentPosts.withLock { $0 } }

    func post(
        _ request: any OCPPRequest & Sendable, after sequence: Int64? = nil,
        answered: (@Sendable (Result<any OCPPMessage, LinkError>) -> Void)? = nil
    ) {
        unsentPosts.withLock { $0 += 1 }
        if case .terminated = posts.yield(Post(request: request, after: sequence, answered: answered)) {
            unsentPosts.withLock { $0 -= 1 }
        }
    }

    /// Sends posted messages one at a time while the link is open; a message
    /// posted while it is closed is dropped (status is resent on reconnect).
    func runPosts() async {
        for await post in postStream {
            defer { unsentPosts.withLock { $0 = max(0, $0 - 1) } }
            if let sequence = post.after, !(await waitForQueue(upTo: sequence)) { continue }
            guard await state.registered else { continue }
            do {
                let response: any OCPPMessage = try await send(post.request)
                post.answered?(.success(response))
            } catch {
                post.answered?(.failure(error))
            }
        }
    }

    /// Waits until nothing queued up to `sequence` is left for this operator;
    /// false when the connection closed first.
    private func waitForQueue(upTo sequence: Int64) async -> Bool {
        while await state.registered {
            let progress = await state.outboxProgress
            do {
                let skipped = await state.deliveredThrough
                guard try outbox.ledger.hasQueued(for: name, upTo: sequence, after: skipped) else { return true }
            } catch {
                return true
            }
            await state.waitForOutbox(after: progress)
        }
        return false
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
    /// Counts messages that left the queue; posts waiting for the queue watch it.
    private(set) var outboxProgress: UInt64 = 0
    private var outboxWaiters: [CheckedContinuation<Void, Never>] = []

    var registered: Bool { open && registration == .accepted }

    func opened(_ response: BootNotificationResponse, at now: OCPPDateTime) {
        open = true
        registration = response.status
        setHeartbeatInterval(response.interval)
        lastHeartbeat = now
    }

    func closed() {
        open = false
        outboxMoved()
    }

    /// Delivered messages whose removal the disk did not take yet, oldest
    /// first: the queue is read past them.
    private(set) var undeleted: [Int64] = []
    var deliveredThrough: Int64? { undeleted.last }

    func delivered(_ id: Int64) {
        if !undeleted.contains(id) { undeleted.append(id) }
    }

    func removed(_ id: Int64) {
        undeleted.removeAll { $0 == id }
    }

    /// A queued message was answered, given up or dropped.
    func outboxMoved() {
        outboxProgress &+= 1
        let waiters = outboxWaiters
        outboxWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the queue moved past `progress` (at once if it already has).
    func waitForOutbox(after progress: UInt64) async {
        guard progress == outboxProgress else { return }
        await withCheckedContinuation { outboxWaiters.append($0) }
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
