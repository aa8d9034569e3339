import OCPP16

/// Why a download, an upload or an installation did not work, in words for the log.
public struct TransferFailure: Error, Sendable, Equatable {
    public var reason: String
    /// The HTTP status the server refused with, when it answered.
    public var httpStatus: Int?
    /// The location names a way of transfer this charger does not have (ftp://, ...).
    public var unsupportedLocation: Bool
    public init(_ reason: String, httpStatus: Int? = nil, unsupportedLocation: Bool = false) {
        self.reason = reason
        self.httpStatus = httpStatus
        self.unsupportedLocation = unsupportedLocation
    }

    /// Whether another attempt can help: not with a location the charger cannot use.
    var retryable: Bool { !unsupportedLocation }
}

/// The retries and retryInterval of UpdateFirmware and GetDiagnostics, as
/// the charger uses them. They come from the wire and are bounded before
/// anything counts or waits with them: 2^40 attempts or a wait past the end
/// of time are taken as the most the charger does.
struct TransferRetries: Sendable, Equatable {
    /// The most attempts one request gets.
    static let maximumAttempts = 100
    /// The longest wait between two attempts, in seconds: a day.
    static let maximumInterval = 86_400

    /// Attempts in all (at least one); absent means 3.
    var attempts: Int
    /// Seconds between a failure and the next attempt; absent means 60.
    var interval: Int64
    /// Whether the request asked for more than the charger does.
    var clamped: Bool

    init(retries: Int?, retryInterval: Int?) {
        let retries = retries ?? 3
        let retryInterval = retryInterval ?? 60
        attempts = min(max(1, retries), Self.maximumAttempts)
        interval = Int64(min(max(0, retryInterval), Self.maximumInterval))
        clamped = retries > Self.maximumAttempts || retryInterval > Self.maximumInterval
    }
}

/// Where firmware comes from and how it is installed: the daemon fetches the
/// file over HTTP(S) and hands it to the OEM's installer program.
public protocol FirmwareService: Sendable {
    /// Fetches the file at `location`; returns its path on this machine.
    func download(from location: String) async -> Result<String, TransferFailure>
    /// Installs the downloaded file. A success is followed by a restart.
    func install(_ file: String) async -> Result<Void, TransferFailure>
}

/// One UpdateFirmware or SignedUpdateFirmware, from its retrieve date to
/// Installed or a failure.
struct FirmwareUpdate: Sendable {
    enum Phase: Sendable, Equatable {
        /// Waiting for the time of the next download attempt.
        case scheduled(at: OCPPDateTime)
        case downloading
        /// A download failed and another is allowed: planned at the next tick.
        case retryDue
        /// On disk; its signature is being checked (signed firmware only).
        case verifying(file: String)
        /// On disk (and verified, if signed), waiting until no transaction
        /// runs and, if one was given, the installation time has come.
        case downloaded(file: String)
        case installing

        /// Whether an attempt has begun and not ended.
        var attemptUnderWay: Bool {
            switch self {
            case .scheduled, .retryDue: false
            case .downloading, .verifying, .downloaded, .installing: true
            }
        }
    }

    var location: String
    var attemptsLeft: Int
    var retryInterval: Int64
    var phase: Phase
    /// Tells results of a replaced update apart from the current one's.
    var number: Int
    /// What proves the file and who asked, for a SignedUpdateFirmware; nil for UpdateFirmware.
    var signed: SignedFirmwareOrder?

    /// Whether the installation may begin now.
    func mayInstall(now: OCPPDateTime) -> Bool {
        guard let installAt = signed?.installAt else { return true }
        return installAt <= now
    }
}

extension ChargePoint {
    /// UpdateFirmware: from any operator (operators.md). The download starts
    /// at retrieveDate; the installation, which restarts the charger, waits
    /// until no transaction runs.
    func updateFirmware(_ request: UpdateFirmwareRequest, from operatorName: String?) async {
        guard firmwareService != nil else {
            logger.warning("UpdateFirmware: no firmware installer is configured", metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.location))"])
            await reportFirmware(.downloadFailed, for: nil)
            return
        }
        if case .installing = firmwareUpdate?.phase {
            logger.warning("UpdateFirmware ignored: an installation is running", metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.location))"])
            return
        }
        scheduleFirmwareUpdate(
            location: request.location, retries: request.retries, retryInterval: request.retryInterval,
            retrieveAt: request.retrieveDate, signed: nil, by: operatorName)
    }

    /// Starts an update in place of any under way (whose work is stopped and whose results
    /// are ignored): UpdateFirmware and SignedUpdateFirmware alike.
    func scheduleFirmwareUpdate(
        location: String, retries: Int?, retryInterval: Int?, retrieveAt: OCPPDateTime, signed: SignedFirmwareOrder?, by operatorName: String?
    ) {
        let action = signed == nil ? "UpdateFirmware" : "SignedUpdateFirmware"
        let retries = TransferRetries(retries: retries, retryInterval: retryInterval)
        if retries.clamped {
            logger.notice(
                "\(action): retries or retryInterval beyond what the charger does, bounded",
                metadata: ["attempts": "\(retries.attempts)", "retryInterval": "\(retries.interval) s"])
        }
        if firmwareUpdate != nil {
            firmwareWork?.cancel()
            logger.notice("\(action): the firmware update under way is cancelled for the new one")
        }
        firmwareUpdateCount += 1
        firmwareStatus = .idle
        firmwareUpdate = FirmwareUpdate(
            location: location, attemptsLeft: retries.attempts, retryInterval: retries.interval,
            phase: .scheduled(at: retrieveAt), number: firmwareUpdateCount, signed: signed)
        saveFirmware(now: retrieveAt)
        logger.info(
            "firmware update scheduled",
            metadata: ["location": "\(Secrets.maskingURLCredentials(in: location))", "retrieveDate": "\(retrieveAt)", "by": "\(operatorName ?? "-")"])
    }

    /// Moves the update on: called every tick.
    func advanceFirmware(now: OCPPDateTime) async {
        firmwareClock = now
        guard var update = firmwareUpdate, let service = firmwareService else { return }
        switch update.phase {
        case .scheduled(let at) where at <= now:
            update.phase = .downloading
            update.attemptsLeft -= 1
            firmwareUpdate = update
            saveFirmware(now: now)
            await reportFirmware(.downloading, for: update)
            let number = update.number
            firmwareWork = Task { [location = update.location] in
                let result = await service.download(from: location)
                await self.firmwareDownloaded(result, update: number)
            }
        case .scheduled:
            // Told on the tick after the request was answered, never before its answer.
            if update.signed?.scheduleReported == false {
                update.signed?.scheduleReported = true
                firmwareUpdate = update
                await reportFirmware(.downloadScheduled, for: update)
            }
        case .retryDue:
            update.phase = .scheduled(at: now.adding(seconds: update.retryInterval))
            update.signed?.scheduleReported = update.retryInterval == 0
            firmwareUpdate = update
        case .downloaded(let file) where connectors.allSatisfy({ $0.transaction == nil }) && update.mayInstall(now: now):
            update.phase = .installing
            firmwareUpdate = update
            await reportFirmware(.installing, for: update)
            let number = update.number
            let recheck = signatureCheck(of: file, for: update, now: now)
            firmwareWork = Task {
                // A signed file may have waited on disk for hours: it is checked again before
                // the installer gets it.
                if let recheck {
                    let verdict = await recheck()
                    guard verdict == .verified else {
                        await self.firmwareRecheckFailed(verdict, update: number)
                        return
                    }
                }
                let result = await service.install(file)
                await self.firmwareInstalled(result, update: number)
            }
        default:
            break
        }
    }

    func firmwareDownloaded(_ result: Result<String, TransferFailure>, update number: Int) async {
        guard var update = firmwareUpdate, update.number == number else { return }
        switch result {
        case .success(let file):
            logger.info("firmware downloaded", metadata: ["file": "\(file)"])
            if let check = signatureCheck(of: file, for: update, now: firmwareClock) {
                update.phase = .verifying(file: file)
                firmwareUpdate = update
                await reportFirmware(.downloaded, for: update)
                firmwareWork = Task {
                    let verdict = await check()
                    await self.firmwareVerified(verdict, file: file, update: number)
                }
            } else {
                update.phase = .downloaded(file: file)
                firmwareUpdate = update
                await reportFirmware(.downloaded, for: update)
            }
        case .failure(let failure) where update.attemptsLeft > 0:
            logger.warning("firmware download failed, will retry", metadata: ["reason": "\(failure.reason)", "attemptsLeft": "\(update.attemptsLeft)"])
            update.phase = .retryDue
            firmwareUpdate = update
        case .failure(let failure):
            logger.error("firmware download failed", metadata: ["reason": "\(failure.reason)"])
            endFirmwareUpdate()
            await reportFirmware(.downloadFailed, for: update)
        }
    }

    func firmwareInstalled(_ result: Result<Void, TransferFailure>, update number: Int) async {
        guard let update = firmwareUpdate, update.number == number else { return }
        endFirmwareUpdate()
        switch result {
        case .success:
            logger.notice("firmware installed: restarting")
            await reportFirmware(.installed, for: update)
            if let now = lastTick {
                let previous = identity.firmwareVersion.map { ", replacing \($0)" } ?? ""
                await securityEvent(.firmwareUpdated, techInfo: "new firmware installed\(previous); restarting", now: now)
            }
            requests?(.restart(.hard))
        case .failure(let failure):
            logger.error("firmware installation failed", metadata: ["reason": "\(failure.reason)"])
            await reportFirmware(.installationFailed, for: update)
        }
    }

    /// The update is over (done, failed or refused): nothing of it is kept.
    func endFirmwareUpdate() {
        firmwareUpdate = nil
        saveFirmware(now: nil)
    }

    static let firmwareKey = "firmware"

    /// Keeps the update across a restart or power cut: as a request for
    /// the attempts left, from `now` on. An update cut short while it
    /// downloaded, was verified or installed starts again with its download.
    func saveFirmware(now: OCPPDateTime?) {
        guard let update = firmwareUpdate, let now else {
            persist("the firmware update") {
                _ = try persistence?.remove(namespace: "state", key: Self.firmwareKey)
                _ = try persistence?.remove(namespace: "state", key: Self.signedFirmwareKey)
            }
            return
        }
        // An attempt a restart cut short does not count as failed.
        let retries = update.attemptsLeft + (update.phase.attemptUnderWay ? 1 : 0)
        let (key, other, text): (String, String, String)
        if let order = update.signed {
            let stored = StoredSignedFirmware(order: order, location: update.location, retries: retries, retryInterval: update.retryInterval, from: now)
            (key, other) = (Self.signedFirmwareKey, Self.firmwareKey)
            text = String(decoding: PayloadCoding.encodedBytes(stored), as: UTF8.self)
        } else {
            let request = UpdateFirmwareRequest(location: update.location, retries: retries, retrieveDate: now, retryInterval: Int(update.retryInterval))
            (key, other) = (Self.firmwareKey, Self.signedFirmwareKey)
            text = String(decoding: PayloadCoding.encodedBytes(request), as: UTF8.self)
        }
        persist("the firmware update") {
            try persistence?.set(namespace: "state", key: key, value: text)
            _ = try persistence?.remove(namespace: "state", key: other)
        }
    }

    /// The update that was under way before a restart, if any.
    func loadFirmware() {
        guard firmwareService != nil else { return }
        if loadSignedFirmware() { return }
        guard let text = readState(Self.firmwareKey, "the firmware update"),
            let json = try? JSONParser.parse(text), let request = try? PayloadCoding.decode(UpdateFirmwareRequest.self, from: json)
        else { return }
        guard let attempts = request.retries, attempts > 0 else {
            saveFirmware(now: nil)
            return
        }
        let retries = TransferRetries(retries: attempts, retryInterval: request.retryInterval)
        firmwareUpdateCount += 1
        firmwareUpdate = FirmwareUpdate(
            location: request.location, attemptsLeft: retries.attempts, retryInterval: retries.interval,
            phase: .scheduled(at: request.retrieveDate), number: firmwareUpdateCount)
        logger.notice("firmware update resumed after a restart", metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.location))", "attemptsLeft": "\(attempts)"])
    }

    /// Tells how the update goes: FirmwareStatusNotification to every operator for an
    /// UpdateFirmware, SignedFirmwareStatusNotification with its requestId to the requester
    /// for a SignedUpdateFirmware. One set of steps serves both; the signed-only states
    /// never occur in an unsigned update. The last status of each is what a trigger reports.
    func reportFirmware(_ status: SignedFirmwareStatus, for update: FirmwareUpdate?) async {
        if let order = update?.signed {
            let request = SignedFirmwareStatusNotificationRequest(status: status, requestId: order.requestId)
            lastSignedFirmwareStatus = request
            logger.info("signed firmware status", metadata: ["status": "\(status.rawValue)", "requestId": "\(order.requestId)"])
            await uplink?.emit(.signedFirmwareStatus(request, to: order.requester))
            return
        }
        guard let plain = FirmwareStatus(rawValue: status.rawValue) else {
            logger.error("no FirmwareStatusNotification for a status of signed firmware", metadata: ["status": "\(status.rawValue)"])
            return
        }
        firmwareStatus = plain
        await uplink?.emit(.firmwareStatus(FirmwareStatusNotificationRequest(status: plain), to: nil))
    }

    /// The status TriggerMessage reports: Idle unless an UpdateFirmware is under way.
    var currentFirmwareStatus: FirmwareStatus {
        firmwareUpdate == nil || firmwareUpdate?.signed != nil ? .idle : firmwareStatus
    }

    /// Waits until the download, check or installation under way has finished and
    /// its result is taken in (a download's result may start a check: that too).
    func firmwareWorkFinished() async {
        while let work = firmwareWork {
            await work.value
            if firmwareWork == work { return }
        }
    }

    /// Lets the charge point update its firmware through `service`.
    public func useFirmware(_ service: any FirmwareService) {
        firmwareService = service
    }
}

extension UpdateFirmwareRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> UpdateFirmwareResponse {
        await chargePoint.updateFirmware(self, from: origin.operatorName)
        return UpdateFirmwareResponse()
    }
}
