import ChargePoint
import Configuration
import Link
import Logging
import OCPP16
import Store

/// Applying an operator list: connect the added, disconnect the removed,
/// never touch a running transaction.
extension Operators {
    static let listNamespace = "operators"

    /// Starts with the pushed list if one is stored, else the configured one.
    public func start(configured: [OperatorEntry]) async {
        var stored: (text: String?, by: String?) = (nil, nil)
        do {
            stored = (try store?.get(namespace: Self.listNamespace, key: "pushed"), try store?.get(namespace: Self.listNamespace, key: "pushedBy"))
        } catch {
            logger.error("cannot read the pushed operator list: using the configured one", metadata: ["error": "\(error)"])
        }
        if let text = stored.text, let by = stored.by,
            case .success(let pushed) = OperatorListTransfer.decode(text, defaultChargePointId: settings.chargePointId)
        {
            source = .pushed(version: pushed.version, by: by)
            await apply(pushed.operators)
        } else {
            source = .configuration
            await apply(configured)
        }
    }

    /// Validates, stores atomically and applies a list pushed by `operatorName`.
    func acceptPushedList(_ text: String, from operatorName: String) -> Result<OperatorListTransfer.PushedList, ListRefusal> {
        let decoded = OperatorListTransfer.decode(text, defaultChargePointId: settings.chargePointId)
        guard case .success(let pushed) = decoded else { return decoded }
        do {
            try store?.set(
                many: ["pushed": OperatorListTransfer.encode(pushed, includeSecrets: true), "pushedBy": operatorName],
                namespace: Self.listNamespace)
        } catch {
            return .failure(ListRefusal(reasons: ["could not store the list: \(error)"]))
        }
        source = .pushed(version: pushed.version, by: operatorName)
        return decoded
    }

    /// Makes `newEntries` the list in force.
    public func apply(_ newEntries: [OperatorEntry]) async {
        let wanted = Dictionary(newEntries.filter(\.enabled).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, session) in sessions where wanted[name] != session.entry {
            logger.info("operator removed or changed: disconnecting", metadata: ["operator": "\(name)"])
            await disconnect(name)
            if wanted[name] == nil {
                do {
                    try ledger.forget(name)
                } catch {
                    logger.error("cannot clear a removed operator's queue", metadata: ["operator": "\(name)", "error": "\(error)"])
                }
            }
        }
        entries = newEntries
        // An operator added while transactions run hears of them first.
        let running = await chargePoint.transactions
        for (name, entry) in wanted where sessions[name] == nil {
            bringUpToDate(name, transactions: running)
            connect(entry)
        }
    }

    func disconnect(_ name: String) async {
        guard let session = sessions.removeValue(forKey: name) else { return }
        session.posts.finish()
        await session.link.shutdown()
        await runs.removeValue(forKey: name)?.value
    }

    /// Waits until every connected operator has sent what it has queued and
    /// posted, or `limit` has passed: used on shutdown, so that what is
    /// stored anyway goes out now. Operators that are not connected have
    /// nothing to wait for.
    public func drain(within limit: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            var pending = 0
            for session in sessions.values where await session.state.registered {
                do {
                    pending += try queue.count(operator: session.name)
                } catch {
                    logger.error("cannot read the queue", metadata: ["operator": "\(session.name)", "error": "\(error)"])
                }
                pending += session.pendingPosts
            }
            if pending == 0 { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func shutdown() async {
        for name in Array(sessions.keys) { await disconnect(name) }
    }

    func linkConfiguration(for entry: OperatorEntry) async -> LinkConfiguration {
        let configuration = await chargePoint.configuration
        var link = LinkConfiguration(operator: entry, certificates: await chargePoint.certificates)
        link.pingInterval = .seconds(configuration.integer("WebSocketPingInterval", for: entry.name))
        link.callTimeout = settings.callTimeout
        link.reconnectBackoff = settings.reconnectBackoff
        link.transactionMessageAttempts = configuration.integer("TransactionMessageAttempts")
        link.transactionMessageRetryInterval = .seconds(configuration.integer("TransactionMessageRetryInterval"))
        // What the operator changed over OCPP wins over the file (Security/).
        let credentials = credentials(of: entry.name).current
        credentials.apply(to: &link)
        await chargePoint.setConnectionValue("SecurityProfile", String(credentials.profile(of: entry)), for: entry.name)
        return link
    }

    func connect(_ entry: OperatorEntry) {
        Task {
            if self.credentials(of: entry.name).onTrial {
                // The agent stopped while a change of this connection was on trial: tried again.
                await self.tryCredentials(of: entry.name, change: "change stored before the restart")
            } else {
                await self.startLinkNow(entry)
            }
        }
    }

    func startLink(_ entry: OperatorEntry, configuration: LinkConfiguration, now: @escaping @Sendable () -> Int64) {
        guard sessions[entry.name] == nil, entries.contains(where: { $0.name == entry.name && $0.enabled }) else { return }
        var logger = logger
        logger[metadataKey: "operator"] = "\(entry.name)"
        let outbox = OperatorOutbox(ledger: ledger, operatorName: entry.name, progress: SessionState(), now: now, logger: logger)
        let name = entry.name
        let link: any OperatorLink
        let handlers = LinkHandlers(
            opened: { [weak self] opening in try await self?.opened(name, opening) },
            answer: { [weak self] call in
                guard let self else { return await Link.notImplemented(call) }
                return await self.answer(call, from: name)
            },
            delivered: { [weak self] message, outcome in await self?.delivered(message, outcome, to: name) },
            incident: { [weak self] incident in await self?.linkIncident(incident, of: name) })
        do {
            link = try settings.makeLink(configuration, outbox, logger, handlers)
        } catch {
            logger.error("operator cannot be connected", metadata: ["error": "\(error)"])
            return
        }
        let session = OperatorSession(entry: entry, link: link, outbox: outbox)
        sessions[name] = session
        runs[name] = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await link.run() }
                group.addTask { await session.runPosts() }
                group.addTask {
                    // The first state seen may be the `closed` of a link whose
                    // run has not begun yet: only a close after that ends it.
                    var began = false
                    for await state in await link.states() {
                        // States arrive through a stream, possibly late: one from before the
                        // current connection opened must not close the session it registered.
                        if state != .open, await link.state != .open { await session.state.closed() }
                        if state == .closed {
                            if began { break }
                            continue
                        }
                        began = true
                    }
                }
                await group.next()
                session.posts.finish()
                await link.shutdown()
            }
        }
    }
}
