import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The opening of one connection taken step by step, each step reported as it ends: the host
/// name looked up, TCP, TLS (the server's chain checked against the operator's CA, its host
/// name checked, the client certificate offered for profile 3), the WebSocket upgrade with the
/// credentials and subprotocol `ocpp1.6`. For `chargeplex doctor`.
///
/// It opens exactly as a link does (the same TLS context, connector and upgrade request) and,
/// once the upgrade is through, closes with a WebSocket close handshake without sending a
/// frame: the Central System sees a connection, never a BootNotification.
public enum ConnectionCheck {
    public enum Step: String, Sendable, CaseIterable {
        /// The link settings themselves (the file was checked already, so rarely seen).
        case settings
        case dns = "DNS"
        case tcp = "TCP"
        case tls = "TLS"
        case webSocket = "WebSocket"
    }

    public enum Verdict: Sendable, Equatable {
        case passed, failed
        /// The step does not apply: no lookup for an address, no TLS for `ws://`.
        case notApplicable
    }

    /// One step's outcome, in words for a technician.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var step: Step
        public var verdict: Verdict
        /// What was found, or why the step failed.
        public var detail: String

        public var description: String { "\(step.rawValue): \(detail)" }
    }

    /// Runs the steps in order until one fails; `report` hears each as it ends. True when the
    /// upgrade went through. The findings say all there is, so by default nothing is logged.
    public static func run(
        _ configuration: LinkConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "chargeplex.check", factory: { _ in SwiftLogNoOpLogHandler() }),
        report: @escaping @Sendable (Finding) -> Void
    ) async -> Bool {
        let endpoint: OperatorEndpoint
        do {
            endpoint = try configuration.endpoint()
        } catch {
            report(Finding(step: .settings, verdict: .failed, detail: error.description))
            return false
        }
        var connector: WebSocketConnector
        do {
            connector = try WebSocketConnector(configuration: configuration, group: eventLoopGroup, logger: logger)
        } catch {
            // What is left to go wrong here is loading the CA file, certificate or key.
            let detail = if case .invalidConfiguration(let text) = error { text } else { error.description }
            report(Finding(step: .tls, verdict: .failed, detail: detail))
            return false
        }

        guard await lookUp(endpoint, report: report) else { return false }

        let progress = Mutex(Reached())
        connector.progress = { event in
            let first = progress.withLock { reached -> Bool in
                switch event {
                case .connected(let address):
                    guard reached.connectedTo == nil else { return false }
                    reached.connectedTo = address
                    return true
                case .tlsEstablished(let facts):
                    reached.tls = facts
                    return false
                }
            }
            if first, case .connected(let address) = event {
                report(Finding(step: .tcp, verdict: .passed, detail: "connected to \(address)"))
            }
        }

        let explain = Explanations(configuration: configuration, endpoint: endpoint)
        do {
            let connection = try await connector.connect()
            let reached = progress.withLock { $0 }
            report(explain.tlsPassed(reached.tls))
            report(
                Finding(
                    step: .webSocket, verdict: .passed,
                    detail: "upgrade to \(endpoint.url) accepted with subprotocol \(WebSocketConnector.subprotocol)"
                        + (configuration.securityProfile.usesBasicAuthentication ? " and the password" : "")
                        + "; closed again without sending anything"))
            try? await connection.channel.close()
            return true
        } catch {
            let reached = progress.withLock { $0 }
            guard reached.connectedTo != nil else {
                report(Finding(step: .tcp, verdict: .failed, detail: explain.tcpFailed(error)))
                return false
            }
            let handshakeDone = !endpoint.isSecure || reached.tls != nil
            if case .tls(let failure) = error {
                report(Finding(step: .tls, verdict: .failed, detail: explain.tlsFailed(failure)))
                return false
            }
            guard handshakeDone else {
                let detail =
                    if case .upgradeFailed = error {
                        "the server did not complete the TLS handshake within \(configuration.openingTimeout)"
                    } else {
                        error.description
                    }
                report(Finding(step: .tls, verdict: .failed, detail: detail))
                return false
            }
            report(explain.tlsPassed(reached.tls))
            report(Finding(step: .webSocket, verdict: .failed, detail: explain.upgradeFailed(error)))
            return false
        }
    }

    /// What the opening got through, as the progress handler saw it.
    private struct Reached: Sendable {
        var connectedTo: String?
        var tls: TLSSessionFacts?
    }

    private static func lookUp(_ endpoint: OperatorEndpoint, report: @Sendable (Finding) -> Void) async -> Bool {
        guard !endpoint.hostIsAddress else {
            report(Finding(step: .dns, verdict: .notApplicable, detail: "\(endpoint.host) is an address: nothing to look up"))
            return true
        }
        do {
            let addresses = try await HostLookup.addresses(of: endpoint.host, port: endpoint.port)
            guard !addresses.isEmpty else {
                report(Finding(step: .dns, verdict: .failed, detail: "\(endpoint.host) has no address"))
                return false
            }
            report(Finding(step: .dns, verdict: .passed, detail: "\(endpoint.host) is \(addresses.prefix(4).joined(separator: ", "))"))
            return true
        } catch {
            report(Finding(step: .dns, verdict: .failed, detail: "cannot find \(endpoint.host): \(error)"))
            return false
        }
    }
}
