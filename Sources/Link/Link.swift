import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import OCPP16
import Synchronization

/// One OCPP-J WebSocket connection to one Central System, reopened with backoff for as long
/// as `run()` runs.
///
/// ```swift
/// let link = try Link(configuration: configuration, outbox: queue, onOpen: { opening in
///     _ = try await opening.call(bootNotification)
/// }, onCall: { call in await chargePoint.answer(call) })
/// Task { await link.run() }
/// let answer = try await link.call(HeartbeatRequest())
/// ```
///
/// Our CALLs go out one at a time in the order they were made; the Central System's CALLs
/// are answered as they come, even while one of ours waits for its answer.
public actor Link {
    /// Answers a CALL from the Central System with a CALLRESULT or CALLERROR carrying the
    /// call's message id.
    public typealias CallHandler = @Sendable (Call) async -> Frame
    /// Runs on every new connection before any other CALL may go out.
    public typealias OpenHandler = @Sendable (LinkOpening) async throws -> Void
    /// Learns what became of each queued message.
    public typealias OutboxHandler = @Sendable (OutboxMessage, OutboxOutcome) async -> Void
    /// Learns of what went wrong on the way: refused connections, malformed frames.
    public typealias IncidentHandler = @Sendable (LinkIncident) async -> Void

    public nonisolated let configuration: LinkConfiguration
    let connector: WebSocketConnector
    private let verifiedRoot = VerifiedRoot()
    let logger: Logger
    let outbox: (any DurableOutbox)?
    let handleCall: CallHandler
    let handleOpen: OpenHandler?
    let handleOutboxOutcome: OutboxHandler?
    let handleIncident: IncidentHandler?

    /// Where the link is now; `states()` follows the changes.
    public private(set) var state = LinkState.closed
    private var stateObservers: [UInt64: AsyncStream<LinkState>.Continuation] = [:]
    private var lastObserver: UInt64 = 0

    var sequencer = CallSequencer()
    /// The open connection, `nil` while there is none.
    var connection: OpenConnection?
    /// Counts connections, so work begun on one never touches the next.
    var connectionNumber: UInt64 = 0
    /// Why we are closing the connection ourselves, when we are.
    var closingReason: LinkError?
    private var isRunning = false
    private var isStopping = false
    private var backoffSleep: Task<Void, Never>?
    /// Folds the failed attempts of an outage into a few lines.
    private var outageLog = OutageLog()
    /// Whether the current (or last) connection got past its opening hook.
    private var openedFully = false
    private var runEndWaiters: [CheckedContinuation<Void, Never>] = []
    /// `run()` waiting for a connection attempt; `shutdown()` ends the wait.
    private var connectWaiter: CheckedContinuation<Result<OpenConnection, LinkError>?, Never>?
    var outboxRung = false
    var outboxWaiter: CheckedContinuation<Void, Never>?
    /// The Central System's CALLs this connection took in, and the answers
    /// written for them (in the same order): a shutdown lets the answers due
    /// go out before its close frame.
    var callsTaken: UInt64 = 0
    var answersWritten: UInt64 = 0
    var answerWaiters: [UInt64: (target: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
    var lastAnswerWaiter: UInt64 = 0
    private let messageIdPrefix = String(UInt32.random(in: .min ... .max), radix: 36)
    private var lastMessageNumber: UInt64 = 0

    /// Checks the configuration and prepares TLS; nothing connects before `run()`.
    ///
    /// - Parameters:
    ///   - outbox: this operator's durable queue, drained while the link is open.
    ///   - onOpen: runs first on every connection; its calls go before all others. If it
    ///     throws, the connection is closed and retried with backoff.
    ///   - onCall: answers the Central System's CALLs; by default everything is NotImplemented.
    ///   - onOutboxOutcome: told about each queued message delivered or given up.
    ///   - onIncident: told of each connection that failed or ended, and of each malformed frame.
    public init(
        configuration: LinkConfiguration, outbox: (any DurableOutbox)? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "chargeplex.link"),
        onOpen: OpenHandler? = nil, onCall: @escaping CallHandler = Link.notImplemented,
        onOutboxOutcome: OutboxHandler? = nil, onIncident: IncidentHandler? = nil
    ) throws(LinkError) {
        var connector = try WebSocketConnector(configuration: configuration, group: eventLoopGroup, logger: logger)
        let verifiedRoot = verifiedRoot
        connector.progress = { progress in
            if case .tlsEstablished(let facts) = progress { verifiedRoot.record(facts.trustAnchor) }
        }
        if let onIncident {
            connector.malformedFrame = { reason in Task { await onIncident(.malformedFrame(reason)) } }
        }
        self.configuration = configuration
        self.logger = connector.logger
        self.connector = connector
        self.outbox = outbox
        self.handleCall = onCall
        self.handleOpen = onOpen
        self.handleOutboxOutcome = onOutboxOutcome
        self.handleIncident = onIncident
    }

    /// The DER of the root certificate the latest TLS connection's server was verified with;
    /// nil before the first, and for ws://.
    public nonisolated var trustAnchor: [UInt8]? { verifiedRoot.der }

    /// The default call handler: OCPP-J's answer to an action nobody implements.
    public static let notImplemented: CallHandler = { call in
        .callError(CallError(messageId: call.messageId, errorCode: .notImplemented, errorDescription: "\(call.action) is not implemented"))
    }

    // MARK: - Running

    /// Connects, serves the connection and reconnects with backoff until `shutdown()` or
    /// cancellation. Returns once the link is closed.
    public func run() async {
        guard !isRunning else { return }
        isRunning = true
        isStopping = false
        var failures = 0
        while !isStopping && !Task.isCancelled {
            setState(.connecting)
            logger.trace("connecting")
            let reason: LinkError
            guard let attempt = await connectUnlessStopped() else { break }
            switch attempt {
            case .success(let connection):
                if isStopping || Task.isCancelled {
                    try? await connection.channel.close()
                    reason = .shutDown
                    break
                }
                reason = await serve(connection)
                // A connection counts as a success once past its opening (registered): one
                // that is refused or dropped before that backs off like a failed connect.
                failures = openedFully ? 0 : failures + 1
            case .failure(let error):
                failures += 1
                reason = error
            }
            if isStopping || Task.isCancelled { break }
            await handleIncident?(.connectionEnded(reason))
            let delay = configuration.reconnectBackoff.delay(afterFailures: max(0, failures - 1))
            logger.trace("reconnecting", metadata: ["reason": "\(reason)", "retryIn": "\(LinkState.seconds(delay)) s"])
            report(outageLog.failed(reason.description, at: .now), retryIn: delay)
            setState(.backingOff(until: .now + delay, reason: reason.description))
            await pause(delay)
        }
        setState(.closed)
        isRunning = false
        let waiters = runEndWaiters
        runEndWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// One connection attempt, abandoned (nil) when `shutdown()` comes first:
    /// a TCP connect or an upgrade can take up to `openingTimeout`, too long
    /// to hold up a charger that is stopping. An attempt that still succeeds
    /// afterwards is closed.
    private func connectUnlessStopped() async -> Result<OpenConnection, LinkError>? {
        let connector = self.connector
        let attempt = Task { () -> Result<OpenConnection, LinkError> in
            do throws(LinkError) {
                return .success(try await connector.connect())
            } catch {
                return .failure(error)
            }
        }
        return await withCheckedContinuation { waiter in
            connectWaiter = waiter
            Task {
                let result = await attempt.value
                self.connectFinished(result)
            }
        }
    }

    /// A line of the outage log, if it has one to say.
    private func report(_ line: OutageLog.Line?, retryIn delay: Duration? = nil) {
        var metadata: Logger.Metadata = [:]
        if let delay { metadata["retryIn"] = "\(LinkState.seconds(delay)) s" }
        switch line {
        case nil:
            return
        case .down(let reason)?:
            metadata["reason"] = "\(reason)"
            logger.warning("link down, retrying", metadata: metadata)
        case .stillDown(let failed, let downFor, let reason)?:
            metadata["reason"] = "\(reason)"
            metadata["failedAttempts"] = "\(failed)"
            metadata["downFor"] = "\(LinkState.seconds(downFor)) s"
            logger.warning("link still down, retrying", metadata: metadata)
        case .back(let failed, let downFor)?:
            metadata["failedAttempts"] = "\(failed)"
            metadata["downFor"] = "\(LinkState.seconds(downFor)) s"
            logger.notice("link back", metadata: metadata)
        }
    }

    private func connectFinished(_ result: Result<OpenConnection, LinkError>) {
        if let waiter = connectWaiter {
            connectWaiter = nil
            waiter.resume(returning: result)
        } else if case .success(let connection) = result {
            connection.channel.close(promise: nil)
        }
    }

    /// Closes the connection with a WebSocket close handshake and waits for `run()` to end.
    public func shutdown() async {
        isStopping = true
        backoffSleep?.cancel()
        if let waiter = connectWaiter {
            connectWaiter = nil
            waiter.resume(returning: nil)
        }
        if connection != nil {
            closingReason = .shutDown
            // A Central System that asked for what stops us (Reset) reads its
            // answer before our close frame.
            await waitForAnswers(within: configuration.closingTimeout)
            if let connection { try? await connection.channel.close() }
        }
        if isRunning {
            await withCheckedContinuation { runEndWaiters.append($0) }
        }
    }

    /// The current state, then every change, for as long as the stream is iterated.
    public func states() -> AsyncStream<LinkState> {
        let (stream, continuation) = AsyncStream.makeStream(of: LinkState.self)
        lastObserver += 1
        let id = lastObserver
        stateObservers[id] = continuation
        continuation.yield(state)
        continuation.onTermination = { _ in
            Task { await self.removeObserver(id) }
        }
        return stream
    }

    private func removeObserver(_ id: UInt64) {
        stateObservers[id] = nil
    }

    private func setState(_ newState: LinkState) {
        guard newState != state else { return }
        state = newState
        for observer in stateObservers.values { observer.yield(newState) }
    }

    private func pause(_ delay: Duration) async {
        let sleep = Task { _ = try? await Task.sleep(for: delay) }
        backoffSleep = sleep
        await withTaskCancellationHandler {
            await sleep.value
        } onCancel: {
            sleep.cancel()
        }
        backoffSleep = nil
    }

    // MARK: - One connection

    /// Serves one open connection until it closes and returns why it closed.
    private func serve(_ connection: OpenConnection) async -> LinkError {
        connectionNumber += 1
        let number = connectionNumber
        self.connection = connection
        closingReason = nil
        callsTaken = 0
        answersWritten = 0
        sequencer.connectionOpened(hasOpeningHook: handleOpen != nil)
        setState(.open)
        logger.debug("link open")
        openedFully = false
        if handleOpen == nil {
            openedFully = true
            report(outageLog.recovered(at: .now))
        }

        let (calls, callSink) = AsyncStream.makeStream(
            of: Call.self, bufferingPolicy: .bufferingOldest(Self.maximumWaitingCalls))
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.answer(calls, on: connection.channel, connection: number) }
            group.addTask { await self.openThenDrain(connection: number) }
            var reason: LinkError
            do {
                for try await frame in connection.frames {
                    switch frame {
                    case .call(let call):
                        switch callSink.yield(call) {
                        case .enqueued: callsTaken += 1
                        case .dropped: refuse(call, on: connection.channel)
                        default: break
                        }
                    case .callResult(let result): resolve(result.messageId, with: .success(result))
                    case .callError(let error): resolve(error.messageId, with: .failure(.callError(error)))
                    }
                }
                reason = Task.isCancelled ? .shutDown : .connectionClosed(reason: "the server closed the connection")
            } catch {
                reason = Self.reason(for: error, maximumMessageSize: configuration.maximumMessageSize)
            }
            reason = closingReason ?? reason
            connection.channel.close(promise: nil)
            connectionEnded(reason)
            callSink.finish()
            group.cancelAll()
            return reason
        }
    }

    private func openThenDrain(connection number: UInt64) async {
        if let handleOpen {
            do {
                try await handleOpen(LinkOpening(link: self))
            } catch {
                guard number == connectionNumber, let connection else { return }
                let reason: LinkError =
                    switch error as? LinkError {
                    case .openHandlerFailed(let text)?: .openHandlerFailed(text)
                    case let other?: .openHandlerFailed(other.description)
                    case nil: .openHandlerFailed("\(error)")
                    }
                // The run loop reports it, with the other failures of an outage.
                logger.debug("opening hook failed, closing", metadata: ["reason": "\(reason)"])
                closingReason = reason
                connection.channel.close(promise: nil)
                return
            }
            guard number == connectionNumber, connection != nil else { return }
            openedFully = true
            report(outageLog.recovered(at: .now))
            if let (waiter, turn) = sequencer.admitRegularCalls() {
                waiter.continuation.resume(returning: turn)
            }
        }
        await drainOutbox(connection: number)
    }

    private func connectionEnded(_ reason: LinkError) {
        connection = nil
        let (pending, waiters) = sequencer.connectionClosed()
        let error = LinkError.connectionClosed(reason: reason.description)
        pending?.continuation.resume(throwing: error)
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
        wakeOutboxDrain()
        // Nothing more can be written: a shutdown waiting for answers goes on.
        for token in Array(answerWaiters.keys) { stopWaitingForAnswers(token) }
        // A close for any other reason is a failure the run loop reports.
        if reason == .shutDown {
            logger.info("link closed", metadata: ["reason": "\(reason)"])
        } else {
            logger.debug("link closed", metadata: ["reason": "\(reason)"])
        }
    }

    static func reason(for error: any Error, maximumMessageSize: Int) -> LinkError {
        switch error {
        case let error as LinkError:
            return error
        case let error as NIOWebSocketError where error == .invalidFrameLength:
            return .messageTooLarge(limit: maximumMessageSize)
        case let error as NIOWebSocketError:
            return .protocolViolation("invalid WebSocket frame (\(error))")
        default:
            return .connectionClosed(reason: "\(error)")
        }
    }

    func nextMessageId() -> String {
        lastMessageNumber += 1
        return "\(messageIdPrefix)-\(lastMessageNumber)"
    }
}

/// The root of the latest verified TLS session, written on the event loop, read by anyone.
private final class VerifiedRoot: Sendable {
    private let root = Mutex<[UInt8]?>(nil)
    var der: [UInt8]? { root.withLock { $0 } }
    func record(_ der: [UInt8]?) { root.withLock { $0 = der } }
}
