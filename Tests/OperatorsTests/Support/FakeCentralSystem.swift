import Link
import Logging
import OCPP16
import Synchronization

@testable import Operators

/// One Central System as a test sees it: everything it received, in order,
/// and the answers it gives. Its transactionIds start at `firstId`, so that
/// every operator's ids differ.
final class FakeCentralSystem: Sendable {
    struct Received: Sendable {
        var action: String
        var payload: JSONObject
        /// The transactionId a StartTransaction was answered with.
        var givenId: Int64?
    }

    struct State {
        var received: [Received] = []
        var online = true
        var nextId: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var link: FakeLink?
    }

    let name: String
    let state: Mutex<State>

    init(_ name: String, firstId: Int) {
        self.name = name
        state = Mutex(State(nextId: firstId))
    }

    var received: [Received] { state.withLock { $0.received } }
    var online: Bool { state.withLock { $0.online } }

    /// The actions received, leaving out Heartbeat and BootNotification.
    var actions: [String] {
        received.map(\.action).filter { $0 != "Heartbeat" && $0 != "BootNotification" }
    }

    func setOnline(_ online: Bool) async {
        let link = state.withLock { state -> FakeLink? in
            state.online = online
            return state.link
        }
        await link?.onlineChanged()
    }

    /// Records a CALL and makes its answer.
    func receive(_ action: String, _ payload: JSONObject) -> JSONObject {
        let (answer, waiters) = state.withLock { state -> (JSONObject, [CheckedContinuation<Void, Never>]) in
            state.received.append(Received(action: action, payload: payload))
            var answer = JSONObject()
            if action == "StartTransaction" { state.received[state.received.count - 1].givenId = Int64(state.nextId) }
            switch action {
            case "BootNotification":
                answer["status"] = .string("Accepted")
                answer["interval"] = .integer(300)
                answer["currentTime"] = .string("2026-11-30T10:00:00.000Z")
            case "StartTransaction":
                answer["transactionId"] = .integer(Int64(state.nextId))
                state.nextId += 1
                answer["idTagInfo"] = .object(Self.accepted)
            case "Authorize":
                answer["idTagInfo"] = .object(Self.accepted)
            case "Heartbeat":
                answer["currentTime"] = .string("2026-11-30T10:00:00.000Z")
            case "DataTransfer":
                // A Central System that knows no vendor extension, as most do not.
                answer["status"] = .string("UnknownVendorId")
            default:
                break
            }
            let waiters = state.waiters
            state.waiters.removeAll()
            return (answer, waiters)
        }
        for waiter in waiters { waiter.resume() }
        return answer
    }

    static var accepted: JSONObject {
        var info = JSONObject()
        info["status"] = .string("Accepted")
        return info
    }

    /// Waits until `condition` holds for what was received; fails the test
    /// (returns false) if it does not within `limit`.
    func wait(within limit: Duration = .seconds(30), until condition: @escaping @Sendable ([Received]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition(received) {
            guard ContinuousClock.now < deadline else { return false }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let done = self.state.withLock { state -> Bool in
                            if condition(state.received) { return true }
                            state.waiters.append(continuation)
                            return false
                        }
                        if done { continuation.resume() }
                    }
                }
                // Wakes the waiter now and then so that a missed deadline ends the test.
                group.addTask { try? await Task.sleep(for: .milliseconds(200)) }
                await group.next()
                group.cancelAll()
                self.state.withLock { state in
                    let waiters = state.waiters
                    state.waiters.removeAll()
                    for waiter in waiters { waiter.resume() }
                }
                await group.waitForAll()
            }
        }
        return true
    }

    /// Every transaction message received, with the transactionId it
    /// carried (for a StartTransaction, the id given in answer).
    var transactionMessages: [(action: String, id: Int64?)] {
        received.compactMap { item in
            switch item.action {
            case "StartTransaction": (item.action, item.givenId)
            case "MeterValues", "StopTransaction":
                if case .integer(let id)? = item.payload["transactionId"] { (item.action, id) } else { (item.action, nil) }
            default: nil
            }
        }
    }
}

/// A link that talks to a `FakeCentralSystem` in memory: it opens when the
/// Central System is online, runs the opening hook, then drains the outbox
/// in order as a real link does, and answers the operator's CALLs.
actor FakeLink: OperatorLink {
    let central: FakeCentralSystem
    let outbox: any DurableOutbox
    let handlers: LinkHandlers
    private var current = LinkState.closed
    private var watchers: [AsyncStream<LinkState>.Continuation] = []
    private var stopping = false
    private var wake: CheckedContinuation<Void, Never>?
    private var rung = false

    init(central: FakeCentralSystem, outbox: any DurableOutbox, handlers: LinkHandlers) {
        self.central = central
        self.outbox = outbox
        self.handlers = handlers
    }

    var state: LinkState { current }

    func states() -> AsyncStream<LinkState> {
        let (stream, continuation) = AsyncStream.makeStream(of: LinkState.self)
        continuation.yield(current)
        watchers.append(continuation)
        return stream
    }

    private func set(_ state: LinkState) {
        current = state
        for watcher in watchers { watcher.yield(state) }
    }

    func call<Request: OCPPRequest>(_ request: Request) async throws(LinkError) -> Request.Response {
        guard current == .open || opening else { throw LinkError.notOpen }
        return try Self.answer(request, from: central)
    }

    private var opening = false

    static func answer<Request: OCPPRequest>(_ request: Request, from central: FakeCentralSystem) throws(LinkError) -> Request.Response {
        guard case .object(let payload)? = try? JSONParser.parse(PayloadCoding.encodedBytes(request)) else {
            throw LinkError.protocolViolation("unreadable request")
        }
        let answer = central.receive(Request.action.rawValue, payload)
        do {
            return try CallResult(messageId: "1", payload: answer).decode(Request.Response.self)
        } catch {
            throw LinkError.protocolViolation("\(error)")
        }
    }

    func outboxChanged() {
        rung = true
        wake?.resume()
        wake = nil
    }

    func onlineChanged() {
        outboxChanged()
    }

    private func waitForChange() async {
        if rung {
            rung = false
            return
        }
        await withCheckedContinuation { wake = $0 }
        rung = false
    }

    func run() async {
        central.state.withLock { $0.link = self }
        set(.connecting)
        while !stopping {
            guard central.online else {
                if current != .closed && current != .connecting { set(.connecting) }
                await waitForChange()
                continue
            }
            // Open first, then the opening hook, as `Link` does.
            set(.open)
            opening = true
            do {
                try await handlers.opened(Opening(central: central))
            } catch {
                opening = false
                set(.connecting)
                await waitForChange()
                continue
            }
            opening = false
            await drain()
            if !stopping { set(.connecting) }
        }
        set(.closed)
        for watcher in watchers { watcher.finish() }
    }

    private func drain() async {
        while !stopping, central.online {
            let message: OutboxMessage?
            do {
                message = try await outbox.peek()
            } catch {
                return
            }
            guard let message else {
                await waitForChange()
                continue
            }
            let answer = central.receive(message.action, message.payload)
            await handlers.delivered(message, .delivered(CallResult(messageId: "1", payload: answer)))
            do {
                try await outbox.remove(message)
            } catch {
                return
            }
        }
    }

    func shutdown() {
        stopping = true
        outboxChanged()
    }

    struct Opening: OpeningCalls {
        let central: FakeCentralSystem
        func call<Request: OCPPRequest>(_ request: Request) async throws(LinkError) -> Request.Response {
            try FakeLink.answer(request, from: central)
        }
    }
}
