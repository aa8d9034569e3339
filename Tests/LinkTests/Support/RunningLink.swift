import Link
import OCPP16

/// A link running in a task, with every state it went through.
struct RunningLink: Sendable {
    let link: Link
    let states = EventLog<LinkState>()
    private let runner: Task<Void, Never>
    private let watcher: Task<Void, Never>

    static func start(_ link: Link) async -> RunningLink {
        await RunningLink(link: link)
    }

    private init(link: Link) async {
        self.link = link
        let stream = await link.states()
        let states = self.states
        watcher = Task {
            for await state in stream { await states.append(state) }
        }
        runner = Task { await link.run() }
    }

    /// Waits for the link to be open, from state number `from` on; returns that state's index.
    @discardableResult
    func waitUntilOpen(from: Int = 0) async throws -> Int {
        try await waitFor("open", from: from) { $0 == .open }
    }

    /// Waits for a failure and returns its reason.
    func waitForBackoff(from: Int = 0) async throws -> (index: Int, reason: String) {
        var reason = ""
        let index = try await waitFor("backing off", from: from) { state in
            if case .backingOff = state { true } else { false }
        }
        if case .backingOff(_, let text) = await states.entries[index] { reason = text }
        return (index, reason)
    }

    @discardableResult
    func waitFor(
        _ what: String, from: Int = 0, timeout: Duration = .seconds(30),
        _ matches: @escaping @Sendable (LinkState) -> Bool
    ) async throws -> Int {
        let states = self.states
        return try await withDeadline(timeout, "link \(what)") {
            try await states.first(from: from, where: matches).index
        }
    }

    var mark: Int {
        get async { await states.count }
    }

    /// Shuts the link down (close handshake) and waits for `run()` to return.
    func stop() async {
        await link.shutdown()
        await runner.value
        watcher.cancel()
    }
}

extension LinkConfiguration {
    /// Plain ws:// on loopback, no pings, quick reconnects and retries.
    static func test(
        url: String, chargePointId: String = "CP-1", securityProfile: SecurityProfile = .unsecured,
        authorizationKey: String? = nil
    ) -> LinkConfiguration {
        LinkConfiguration(
            url: url, chargePointId: chargePointId, securityProfile: securityProfile,
            authorizationKey: authorizationKey, allowsInsecureTransport: true, pingInterval: .zero,
            callTimeout: .seconds(20), openingTimeout: .seconds(20),
            reconnectBackoff: ReconnectBackoff(base: .milliseconds(50), cap: .milliseconds(500)),
            transactionMessageAttempts: 3, transactionMessageRetryInterval: .milliseconds(50))
    }
}
