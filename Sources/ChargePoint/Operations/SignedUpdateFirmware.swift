import OCPP16

/// What a check of signed firmware found.
public enum FirmwareVerification: Sendable, Equatable {
    case verified
    /// It does not verify: a certificate that does not chain to a manufacturer root, or a
    /// signature that does not match the file. The reason is for the log.
    case refused(String)
    /// It could not be checked (the file or the manufacturer store cannot be read).
    case failed(String)
}

/// Checks signed firmware (Security Whitepaper, secure firmware update) against the
/// charger's ManufacturerRootCertificate store.
public protocol FirmwareVerifier: Sendable {
    /// Whether `pem` is a certificate that chains to a manufacturer root and is valid `now`.
    func checkSigningCertificate(_ pem: String, now: OCPPDateTime) -> FirmwareVerification
    /// Whether `signature` (base64) is the signing certificate's key's SHA-256 signature over
    /// the whole of `file`, the certificate checked as above.
    func verify(file: String, signingCertificate pem: String, signature: String, now: OCPPDateTime) async -> FirmwareVerification
}

/// What a SignedUpdateFirmware adds to an update: the proof the file must carry, when to
/// install, and who asked (its statuses go to the requester, with its requestId).
struct SignedFirmwareOrder: Sendable, Equatable {
    var requestId: Int
    var signingCertificate: String
    var signature: String
    var installAt: OCPPDateTime?
    /// The operator that asked (nil: every operator is told).
    var requester: String?
    /// Whether DownloadScheduled was told for the download planned now.
    var scheduleReported = false
}

extension ChargePoint {
    static let signedFirmwareKey = "signedFirmware"

    /// SignedUpdateFirmware: from any operator (operators.md). The signing certificate is
    /// checked at once; the file is fetched from retrieveDateTime on (retries and
    /// retryInterval as for UpdateFirmware), its signature checked, and it is installed at
    /// installDateTime at the earliest, once no transaction runs. An update under way is
    /// cancelled for the new one, unless it is installing.
    func signedUpdateFirmware(_ request: SignedUpdateFirmwareRequest, from operatorName: String?, now: OCPPDateTime) async
        -> SignedUpdateFirmwareStatus
    {
        let firmware = request.firmware
        let location = Secrets.maskingURLCredentials(in: firmware.location.value)
        guard let verifier = firmwareVerifier else {
            logger.warning("SignedUpdateFirmware refused: signed firmware cannot be checked here", metadata: ["location": "\(location)"])
            return .rejected
        }
        switch verifier.checkSigningCertificate(firmware.signingCertificate.value, now: now) {
        case .verified:
            break
        case .refused(let reason):
            logger.warning(
                "SignedUpdateFirmware: the signing certificate does not chain to a manufacturer root",
                metadata: ["reason": "\(reason)", "by": "\(operatorName ?? "-")", "requestId": "\(request.requestId)"])
            await reportSecurityEvent(.invalidFirmwareSigningCertificate, techInfo: reason, now: now)
            return .invalidCertificate
        case .failed(let reason):
            logger.error("SignedUpdateFirmware refused: the signing certificate cannot be checked", metadata: ["reason": "\(reason)"])
            return .rejected
        }
        guard firmwareService != nil else {
            logger.warning("SignedUpdateFirmware refused: no firmware installer is configured", metadata: ["location": "\(location)"])
            return .rejected
        }
        if case .installing = firmwareUpdate?.phase {
            logger.warning("SignedUpdateFirmware refused: an installation is running", metadata: ["location": "\(location)"])
            return .rejected
        }
        let canceled = firmwareUpdate != nil
        firmwareClock = max(firmwareClock, now)
        let order = SignedFirmwareOrder(
            requestId: request.requestId, signingCertificate: firmware.signingCertificate.value, signature: firmware.signature.value,
            installAt: firmware.installDateTime, requester: operatorName, scheduleReported: firmware.retrieveDateTime <= now)
        scheduleFirmwareUpdate(
            location: firmware.location.value, retries: request.retries, retryInterval: request.retryInterval,
            retrieveAt: firmware.retrieveDateTime, signed: order, by: operatorName)
        return canceled ? .acceptedCanceled : .accepted
    }

    /// How to check a downloaded file of `update`, if it is signed firmware.
    func signatureCheck(of file: String, for update: FirmwareUpdate, now: OCPPDateTime)
        -> (@Sendable () async -> FirmwareVerification)?
    {
        guard let order = update.signed else { return nil }
        guard let verifier = firmwareVerifier else {
            return { .failed("signed firmware cannot be checked here") }
        }
        return { await verifier.verify(file: file, signingCertificate: order.signingCertificate, signature: order.signature, now: now) }
    }

    /// The signature check after the download: only a verified file goes on to be installed.
    func firmwareVerified(_ verdict: FirmwareVerification, file: String, update number: Int) async {
        guard var update = firmwareUpdate, update.number == number, let order = update.signed else { return }
        switch verdict {
        case .verified:
            logger.notice("firmware signature verified", metadata: ["file": "\(file)", "requestId": "\(order.requestId)"])
            update.phase = .downloaded(file: file)
            firmwareUpdate = update
            await reportFirmware(.signatureVerified, for: update)
            if let installAt = order.installAt, installAt > firmwareClock {
                await reportFirmware(.installScheduled, for: update)
            }
        case .refused(let reason):
            logger.error("firmware signature invalid: nothing is installed", metadata: ["reason": "\(reason)", "file": "\(file)"])
            endFirmwareUpdate()
            await reportFirmware(.invalidSignature, for: update)
            await reportSecurityEvent(.invalidFirmwareSignature, techInfo: reason, now: firmwareClock)
        case .failed(let reason):
            logger.error("firmware signature cannot be checked: nothing is installed", metadata: ["reason": "\(reason)", "file": "\(file)"])
            endFirmwareUpdate()
            await reportFirmware(.installVerificationFailed, for: update)
        }
    }

    /// The check just before the installer runs found the file no longer verifies.
    func firmwareRecheckFailed(_ verdict: FirmwareVerification, update number: Int) async {
        guard let update = firmwareUpdate, update.number == number, verdict != .verified else { return }
        endFirmwareUpdate()
        switch verdict {
        case .verified:
            break
        case .refused(let reason):
            logger.error("firmware no longer matches its signature: not installed", metadata: ["reason": "\(reason)"])
            await reportFirmware(.installVerificationFailed, for: update)
            await reportSecurityEvent(.invalidFirmwareSignature, techInfo: reason, now: firmwareClock)
        case .failed(let reason):
            logger.error("firmware cannot be checked again before its installation: not installed", metadata: ["reason": "\(reason)"])
            await reportFirmware(.installVerificationFailed, for: update)
        }
    }

    /// A charger-wide security event of signed firmware, to every operator.
    private func reportSecurityEvent(_ type: SecurityEventType, techInfo: String, now: OCPPDateTime) async {
        let event = SecurityEventNotificationRequest(
            type: BoundedString(truncating: type.rawValue), timestamp: now, techInfo: BoundedString(truncating: techInfo))
        await uplink?.emit(.securityEvent(event, to: nil))
    }

    /// The SignedFirmwareStatusNotification an ExtendedTriggerMessage(FirmwareStatusNotification)
    /// sends: the last status sent with its requestId, or Idle without one when nothing was
    /// sent yet or the last was Installed (Security Whitepaper, SignedFirmwareStatusNotification).
    public var currentSignedFirmwareStatus: SignedFirmwareStatusNotificationRequest {
        guard let last = lastSignedFirmwareStatus, last.status != .installed else {
            return SignedFirmwareStatusNotificationRequest(status: .idle)
        }
        return last
    }

    /// Lets the charge point take signed firmware, checked by `verifier`.
    public func useFirmwareVerifier(_ verifier: any FirmwareVerifier) {
        firmwareVerifier = verifier
    }

    /// The signed update that was under way before a restart, if any; true if one was found.
    func loadSignedFirmware() -> Bool {
        guard let text = readState(Self.signedFirmwareKey, "the signed firmware update") else { return false }
        guard let json = try? JSONParser.parse(text), let stored = try? PayloadCoding.decode(StoredSignedFirmware.self, from: json),
            let attempts = stored.request.retries, attempts > 0
        else {
            logger.warning("a stored signed firmware update could not be read or had no attempts left: dropped")
            saveFirmware(now: nil)
            return true
        }
        let request = stored.request
        let retries = TransferRetries(retries: attempts, retryInterval: request.retryInterval)
        firmwareUpdateCount += 1
        let order = SignedFirmwareOrder(
            requestId: request.requestId, signingCertificate: request.firmware.signingCertificate.value,
            signature: request.firmware.signature.value, installAt: request.firmware.installDateTime,
            requester: stored.requester, scheduleReported: false)
        firmwareUpdate = FirmwareUpdate(
            location: request.firmware.location.value, attemptsLeft: retries.attempts, retryInterval: retries.interval,
            phase: .scheduled(at: request.firmware.retrieveDateTime), number: firmwareUpdateCount, signed: order)
        logger.notice(
            "signed firmware update resumed after a restart",
            metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.firmware.location.value))", "attemptsLeft": "\(attempts)"])
        return true
    }
}

/// A signed update as kept across a restart: the request for the attempts left, and who asked.
struct StoredSignedFirmware: Codable, Sendable {
    var requester: String?
    var request: SignedUpdateFirmwareRequest

    init(order: SignedFirmwareOrder, location: String, retries: Int, retryInterval: Int64, from now: OCPPDateTime) {
        requester = order.requester
        request = SignedUpdateFirmwareRequest(
            retries: retries, retryInterval: Int(retryInterval), requestId: order.requestId,
            firmware: SignedFirmware(
                location: RemoteLocation(truncating: location), retrieveDateTime: now, installDateTime: order.installAt,
                signingCertificate: PEMText(truncating: order.signingCertificate), signature: BoundedString(truncating: order.signature)))
    }
}

extension SignedUpdateFirmwareRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async
        -> SignedUpdateFirmwareResponse
    {
        SignedUpdateFirmwareResponse(status: await chargePoint.signedUpdateFirmware(self, from: origin.operatorName, now: now))
    }
}
