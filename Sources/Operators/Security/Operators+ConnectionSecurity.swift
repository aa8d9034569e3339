import ChargePoint
import Configuration
import Glibc
import Link
import Logging
import OCPP16
import Security

/// An operator changes its own connection (whitepaper use cases A01, A05 and the end of
/// A02/A03): a new AuthorizationKey, a higher SecurityProfile, a renewed client certificate.
/// Each is stored before it is answered Accepted, tried on a new connection, and given up
/// for the previous one if that connection fails.
extension Operators {
    /// How long the first connection with new credentials has to get a BootNotification answer.
    static let trialLimit: Duration = .seconds(60)

    /// That operator's certificate folder in the state directory, if there is one.
    func certificateDirectory(of name: String) -> String? {
        settings.stateDirectory.map { $0 + "/certs/operators/" + name }
    }

    /// The operator's stored credentials; none when there is no store or it cannot be read.
    func credentials(of name: String) -> CredentialRecord {
        guard let store else { return CredentialRecord() }
        do {
            return try CredentialRecord.load(name, from: store)
        } catch {
            logger.error("cannot read an operator's credentials: using the configuration file's", metadata: ["operator": "\(name)", "error": "\(error)"])
            return CredentialRecord()
        }
    }

    /// ChangeConfiguration(AuthorizationKey): stored and answered Accepted, then the link
    /// reconnects with it; if that connection is refused the previous key stays in force.
    func changeAuthorizationKey(_ value: String, for entry: OperatorEntry) -> ConfigurationStatus {
        if let problem = AuthorizationKeyFormat.problem(with: value) {
            logger.notice("AuthorizationKey refused", metadata: ["operator": "\(entry.name)", "reason": "needs \(problem)"])
            return .rejected
        }
        let record = credentials(of: entry.name)
        var proposed = record.current
        proposed.authorizationKey = value
        guard [1, 2].contains(record.current.profile(of: entry)) else {
            // Not sent on this profile: kept for an upgrade, nothing to reconnect for.
            guard let store, !record.onTrial else { return .rejected }
            do {
                try CredentialRecord(current: proposed, previous: record.current).save(entry.name, to: store)
            } catch {
                logger.error("cannot store the AuthorizationKey: refused", metadata: ["operator": "\(entry.name)", "error": "\(error)"])
                return .rejected
            }
            let name = entry.name
            Task { await self.reportReconfiguration("AuthorizationKey: stored for a profile that sends it", to: name) }
            return .accepted
        }
        return propose(proposed, for: entry, change: "AuthorizationKey")
    }

    func reportReconfiguration(_ techInfo: String, to name: String) async {
        await emit(.securityEvent(SecurityEventNotificationRequest(
            type: BoundedString(truncating: SecurityEventType.reconfigurationOfSecurityParameters.rawValue),
            timestamp: clock(), techInfo: BoundedString(truncating: techInfo)), to: name))
    }

    /// ChangeConfiguration(SecurityProfile): only upward, only when what the profile needs is
    /// there; then as for the AuthorizationKey.
    func changeSecurityProfile(_ value: String, for entry: OperatorEntry) -> ConfigurationStatus {
        guard let wanted = Int(value.trimmingSpaces) else { return .rejected }
        let record = credentials(of: entry.name)
        if let problem = SecurityProfileUpgrade.problem(to: wanted, securityFacts(of: entry, record.current)) {
            logger.notice("SecurityProfile change refused", metadata: ["operator": "\(entry.name)", "reason": "\(problem)"])
            return .rejected
        }
        var proposed = record.current
        proposed.securityProfile = wanted
        return propose(proposed, for: entry, change: "SecurityProfile \(record.current.profile(of: entry)) to \(wanted)")
    }

    /// What the operator's connection has now, for the upgrade rules.
    func securityFacts(of entry: OperatorEntry, _ current: ConnectionCredentials) -> SecurityProfileUpgrade.Facts {
        let identity = current.clientIdentity(of: entry)
        return SecurityProfileUpgrade.Facts(
            current: current.profile(of: entry), url: entry.url, hasPassword: current.hasPassword(for: entry),
            hasTrust: entry.caFile.map(Self.isReadable) ?? false || hasStoredRoot(entry.name),
            hasClientIdentity: identity.map { Self.isReadable($0.certificate) && (PrivateKey.isStoreURI($0.key) || Self.isReadable($0.key)) } ?? false)
    }

    /// Stores `proposed` as on trial (the old values as fallback) and tries it after the answer.
    func propose(_ proposed: ConnectionCredentials, for entry: OperatorEntry, change: String) -> ConfigurationStatus {
        guard let store else { return .rejected }
        let record = credentials(of: entry.name)
        guard !record.onTrial else {
            logger.notice("a change of the connection is still on trial", metadata: ["operator": "\(entry.name)"])
            return .rejected
        }
        do {
            try CredentialRecord(current: proposed, previous: record.current, onTrial: true).save(entry.name, to: store)
        } catch {
            logger.error("cannot store new credentials: refused", metadata: ["operator": "\(entry.name)", "error": "\(error)"])
            return .rejected
        }
        logger.info("connection change accepted: reconnecting to try it", metadata: ["operator": "\(entry.name)", "change": "\(change)"])
        // Answer first: the old connection carries the Accepted before it closes.
        Task { await self.tryCredentials(of: entry.name, change: change) }
        return .accepted
    }

    /// Reconnects with the credentials on trial; keeps them if the new connection gets its
    /// BootNotification answered, else goes back to the previous ones. Either way the
    /// operator hears of it as a security event.
    @discardableResult
    func tryCredentials(of name: String, change: String) async -> Bool {
        guard let entry = entries.first(where: { $0.name == name && $0.enabled }) else { return false }
        let record = credentials(of: name)
        guard record.onTrial else { return true }
        await disconnect(name)
        await startLinkNow(entry)
        let succeeded = await firstConnectionSucceeds(name, within: Self.trialLimit)
        let kept = succeeded ? record.current : (record.previous ?? ConnectionCredentials())
        do {
            if let store {
                try CredentialRecord(current: kept, previous: succeeded ? record.previous : nil).save(name, to: store)
            }
        } catch {
            logger.critical("cannot store which credentials are in force", metadata: ["operator": "\(name)", "error": "\(error)"])
        }
        let techInfo: String
        if succeeded {
            logger.notice("connection change in force", metadata: ["operator": "\(name)", "change": "\(change)"])
            techInfo = "\(change): in force"
        } else {
            logger.warning("connection change failed: back to the previous settings", metadata: ["operator": "\(name)", "change": "\(change)"])
            techInfo = "\(change): the new connection failed, back to the previous settings"
            await disconnect(name)
            await restoreLink(entry)
            // The event goes out on the restored connection once it is registered.
            _ = await firstConnectionSucceeds(name, within: Self.trialLimit)
        }
        await reportReconfiguration(techInfo, to: name)
        return succeeded
    }

    /// Connects `entry` again with the previous credentials; a link that cannot even be made
    /// (its key unreadable for a moment, say) is tried again with backoff, a few times.
    private func restoreLink(_ entry: OperatorEntry) async {
        for failures in 0..<8 {
            guard entries.contains(where: { $0.name == entry.name && $0.enabled }), sessions[entry.name] == nil else { return }
            if failures > 0 {
                try? await Task.sleep(for: settings.reconnectBackoff.delay(afterFailures: failures - 1))
            }
            await startLinkNow(entry)
        }
        if sessions[entry.name] == nil {
            logger.critical("the previous settings cannot be connected either", metadata: ["operator": "\(entry.name)"])
        }
    }

    /// Connects `entry` with the credentials in force, and waits until its link exists.
    func startLinkNow(_ entry: OperatorEntry) async {
        let configuration = await linkConfiguration(for: entry)
        let clock = clock
        startLink(entry, configuration: configuration, now: { clock().millisecondsSince1970 })
    }

    /// Whether the operator's first connection is answered (any BootNotification answer: the
    /// credentials were taken), rather than refused or broken off, within `limit`.
    func firstConnectionSucceeds(_ name: String, within limit: Duration) async -> Bool {
        guard let session = sessions[name] else { return false }
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            guard sessions[name] === session else { return false }
            if await session.state.open, await session.state.registration != nil { return true }
            if case .backingOff = await session.link.state { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Whether the operator's own root store holds a certificate.
    func hasStoredRoot(_ name: String) -> Bool {
        guard let directory = certificateDirectory(of: name).map({ $0 + "/roots" }), let folder = opendir(directory) else { return false }
        defer { closedir(folder) }
        while let item = readdir(folder) {
            let file = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if file.hasSuffix(".pem") { return true }
        }
        return false
    }

    static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }
}
