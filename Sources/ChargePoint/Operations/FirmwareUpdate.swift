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

/// One UpdateFirmware, from its retrieveDate to Installed or a failure.
struct FirmwareUpdate: Sendable {
    enum Phase: Sendable, Equatable {
        /// Waiting for the time of the next download attempt.
        case scheduled(at: OCPPDateTime)
        case downloading
        /// A download failed and another is allowed: planned at the next tick.
        case retryDue
        /// On disk, waiting until no transaction runs.
        case downloaded(file: String)
        case installing

        /// Whether an attempt has begun and not ended.
        var attemptUnderWay: Bool {
            switch self {
            case .scheduled, .retryDue: false
            case .downloading, .downloaded, .installing: true
            }
        }
    }

    var location: String
    var attemptsLeft: Int
    var retryInterval: Int64
    var phase: Phase
    /// Tells results of a replaced update apart from the current one's.
    var number: Int
}

extension ChargePoint {
    /// UpdateFirmware: from any operator (operators.md). The download starts
    /// at retrieveDate; the installation, which restarts the charger, waits
    /// until no transaction runs.
    func updateFirmware(_ request: UpdateFirmwareRequest, from operatorName: String?) async {
        guard firmwareService != nil else {
            logger.warning("UpdateFirmware: no firmware installer is configured", metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.location))"])
            await reportFirmware(.downloadFailed)
            return
        }
        if case .installing = firmwareUpdate?.phase {
            logger.warning("UpdateFirmware ignored: an installation is running", metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.location))"])
            return
        }
        let retries = TransferRetries(retries: request.retries, retryInterval: request.retryInterval)
        if retries.clamped {
            logger.notice(
                "UpdateFirmware: retries or retryInterval beyond what the charger does, bounded",
                metadata: ["attempts": "\(retries.attempts)", "retryInterval": "\(retries.interval) s"])
        }
        firmwareUpdateCount += 1
        firmwareStatus = .idle
        firmwareUpdate = FirmwareUpdate(
            location: request.location, attemptsLeft: retries.attempts, retryInterval: retries.interval,
            phase: .scheduled(at: request.retrieveDate), number: firmwareUpdateCount)
        saveFirmware(now: request.retrieveDate)
        logger.info(
            "firmware update scheduled",
            metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.location))", "retrieveDate": "\(request.retrieveDate)", "by": "\(operatorName ?? "-")"])
    }

    /// Moves the update on: called every tick.
    func advanceFirmware(now: OCPPDateTime) async {
        guard var update = firmwareUpdate, let service = firmwareService else { return }
        switch update.phase {
        case .scheduled(let at) where at <= now:
            update.phase = .downloading
            update.attemptsLeft -= 1
            firmwareUpdate = update
            saveFirmware(now: now)
            await reportFirmware(.downloading)
            let number = update.number
            firmwareWork = Task { [location = update.location] in
                let result = await service.download(from: location)
                await self.firmwareDownloaded(result, update: number)
            }
        case .retryDue:
            update.phase = .scheduled(at: now.adding(seconds: update.retryInterval))
            firmwareUpdate = update
        case .downloaded(let file) where connectors.allSatisfy({ $0.transaction == nil }):
            update.phase = .installing
            firmwareUpdate = update
            await reportFirmware(.installing)
            let number = update.number
            firmwareWork = Task {
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
            update.phase = .downloaded(file: file)
            firmwareUpdate = update
            await reportFirmware(.downloaded)
        case .failure(let failure) where update.attemptsLeft > 0:
            logger.warning("firmware download failed, will retry", metadata: ["reason": "\(failure.reason)", "attemptsLeft": "\(update.attemptsLeft)"])
            update.phase = .retryDue
            firmwareUpdate = update
        case .failure(let failure):
            logger.error("firmware download failed", metadata: ["reason": "\(failure.reason)"])
            firmwareUpdate = nil
            saveFirmware(now: nil)
            await reportFirmware(.downloadFailed)
        }
    }

    func firmwareInstalled(_ result: Result<Void, TransferFailure>, update number: Int) async {
        guard firmwareUpdate?.number == number else { return }
        firmwareUpdate = nil
        saveFirmware(now: nil)
        switch result {
        case .success:
            logger.notice("firmware installed: restarting")
            await reportFirmware(.installed)
            if let now = lastTick {
                let previous = identity.firmwareVersion.map { ", replacing \($0)" } ?? ""
                await securityEvent(.firmwareUpdated, techInfo: "new firmware installed\(previous); restarting", now: now)
            }
            requests?(.restart(.hard))
        case .failure(let failure):
            logger.error("firmware installation failed", metadata: ["reason": "\(failure.reason)"])
            await reportFirmware(.installationFailed)
        }
    }

    static let firmwareKey = "firmware"

    /// Keeps the update across a restart or power cut: as a request for
    /// the attempts left, from `now` on. An update cut short while it
    /// downloaded or installed starts again with its download.
    func saveFirmware(now: OCPPDateTime?) {
        guard let update = firmwareUpdate, let now else {
            persist("the firmware update") { _ = try persistence?.remove(namespace: "state", key: Self.firmwareKey) }
            return
        }
        // An attempt a restart cut short does not count as failed.
        let request = UpdateFirmwareRequest(
            location: update.location, retries: update.attemptsLeft + (update.phase.attemptUnderWay ? 1 : 0), retrieveDate: now,
            retryInterval: Int(update.retryInterval))
        let text = String(decoding: PayloadCoding.encodedBytes(request), as: UTF8.self)
        persist("the firmware update") { try persistence?.set(namespace: "state", key: Self.firmwareKey, value: text) }
    }

    /// The update that was under way before a restart, if any.
    func loadFirmware() {
        guard firmwareService != nil, let text = readState(Self.firmwareKey, "the firmware update"),
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

    /// FirmwareStatusNotification to every operator; the last status is
    /// what TriggerMessage reports (Idle once nothing is going on).
    func reportFirmware(_ status: FirmwareStatus) async {
        firmwareStatus = status
        await uplink?.emit(.firmwareStatus(FirmwareStatusNotificationRequest(status: status), to: nil))
    }

    /// The status TriggerMessage reports: Idle unless an update is under way.
    var currentFirmwareStatus: FirmwareStatus {
        firmwareUpdate == nil ? .idle : firmwareStatus
    }

    /// Waits until the download or installation under way has finished and
    /// its result is taken in.
    func firmwareWorkFinished() async {
        await firmwareWork?.value
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
