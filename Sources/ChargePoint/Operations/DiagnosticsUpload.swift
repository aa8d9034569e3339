import OCPP16

/// Which log an upload carries.
public enum UploadedLog: Sendable, Equatable {
    /// The diagnostics report: state, configuration, the kept log lines.
    case diagnostics
    /// The security log: every kept security event.
    case securityLog
}

/// Where diagnostics and logs go: the daemon writes the file (its state and the log of
/// the period asked for, or the security log) and uploads it.
public protocol DiagnosticsService: Sendable {
    /// Uploads the diagnostics of `start`…`stop` (open ends allowed) as
    /// `fileName` into the directory URL `location`.
    func upload(fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?) async
        -> Result<Void, TransferFailure>
    /// Uploads `log` of `start`…`stop`; by default only the diagnostics can be.
    func upload(_ log: UploadedLog, fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?)
        async -> Result<Void, TransferFailure>
}

extension DiagnosticsService {
    public func upload(
        _ log: UploadedLog, fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?
    ) async -> Result<Void, TransferFailure> {
        guard log == .diagnostics else { return .failure(TransferFailure("this charger cannot upload its security log")) }
        return await upload(fileName: fileName, to: location, from: start, until: stop)
    }
}

/// One GetDiagnostics or GetLog, from the request to its last status; one at a time,
/// a new request takes the place of the one under way.
struct DiagnosticsUpload: Sendable {
    enum Phase: Sendable, Equatable {
        case scheduled(at: OCPPDateTime)
        case uploading
        /// An attempt failed and another is allowed: planned at the next tick.
        case retryDue
    }

    /// What was asked for, and so how progress is reported.
    enum Request: Sendable {
        /// DiagnosticsStatusNotification to every operator.
        case diagnostics(GetDiagnosticsRequest)
        /// LogStatusNotification with the requestId, to the requester only.
        case log(GetLogRequest, requester: String?)
    }

    var request: Request
    var fileName: String
    var attemptsLeft: Int
    /// Seconds between a failed attempt and the next.
    var retryInterval: Int64
    var phase: Phase
    var number: Int

    var log: UploadedLog {
        if case .log(let request, _) = request, request.logType == .securityLog { return .securityLog }
        return .diagnostics
    }

    var location: String {
        switch request {
        case .diagnostics(let request): request.location
        case .log(let request, _): request.log.remoteLocation.description
        }
    }

    var period: (start: OCPPDateTime?, stop: OCPPDateTime?) {
        switch request {
        case .diagnostics(let request): (request.startTime, request.stopTime)
        case .log(let request, _): (request.log.oldestTimestamp, request.log.latestTimestamp)
        }
    }
}

/// How an upload stands, in the words of whichever status message reports it.
enum UploadProgress: Sendable {
    case uploading
    case uploaded
    case failed(TransferFailure)
}

extension ChargePoint {
    /// GetDiagnostics: from any operator. Answers with the file name at
    /// once; the upload follows, with the retries the operator asks for.
    func getDiagnostics(_ request: GetDiagnosticsRequest, from operatorName: String?, now: OCPPDateTime) -> GetDiagnosticsResponse {
        guard diagnosticsService != nil else {
            logger.warning("GetDiagnostics: this charger has no diagnostics upload")
            return GetDiagnosticsResponse(fileName: nil)
        }
        let fileName = "chargeplex-diagnostics-" + Self.compactStamp(now) + ".txt"
        scheduleUpload(
            .diagnostics(request), fileName: fileName, retries: request.retries, retryInterval: request.retryInterval,
            by: operatorName, now: now)
        return GetDiagnosticsResponse(fileName: CiString255(truncating: fileName))
    }

    /// Takes an upload in hand (in place of any under way); the first attempt is at the next tick.
    /// Returns whether one under way was cancelled for it.
    @discardableResult
    func scheduleUpload(
        _ request: DiagnosticsUpload.Request, fileName: String, retries: Int?, retryInterval: Int?, by operatorName: String?,
        now: OCPPDateTime
    ) -> Bool {
        let bounded = TransferRetries(retries: retries, retryInterval: retryInterval)
        if bounded.clamped {
            logger.notice(
                "upload: retries or retryInterval beyond what the charger does, bounded",
                metadata: ["attempts": "\(bounded.attempts)", "retryInterval": "\(bounded.interval) s"])
        }
        let cancelled = diagnosticsUpload != nil
        diagnosticsUploadCount += 1
        let upload = DiagnosticsUpload(
            request: request, fileName: fileName, attemptsLeft: bounded.attempts, retryInterval: bounded.interval,
            phase: .scheduled(at: now), number: diagnosticsUploadCount)
        diagnosticsUpload = upload
        logger.info(
            "upload requested",
            metadata: [
                "log": "\(upload.log)", "location": "\(Secrets.maskingURLCredentials(in: upload.location))", "file": "\(fileName)",
                "by": "\(operatorName ?? "-")",
            ])
        return cancelled
    }

    /// `20261125T164000Z`: a date-time fit for a file name.
    static func compactStamp(_ time: OCPPDateTime) -> String {
        String(time.description.unicodeScalars.prefix(19).filter { $0 != "-" && $0 != ":" }.map(Character.init)) + "Z"
    }

    /// Moves the upload on: called every tick.
    func advanceDiagnostics(now: OCPPDateTime) async {
        guard var upload = diagnosticsUpload, let service = diagnosticsService else { return }
        switch upload.phase {
        case .scheduled(let at) where at <= now:
            upload.phase = .uploading
            upload.attemptsLeft -= 1
            diagnosticsUpload = upload
            await report(.uploading, of: upload)
            let (number, log, location, period, fileName) = (upload.number, upload.log, upload.location, upload.period, upload.fileName)
            diagnosticsWork = Task {
                let result = await service.upload(log, fileName: fileName, to: location, from: period.start, until: period.stop)
                await self.diagnosticsUploaded(result, upload: number)
            }
        case .retryDue:
            upload.phase = .scheduled(at: now.adding(seconds: upload.retryInterval))
            diagnosticsUpload = upload
        default:
            break
        }
    }

    func diagnosticsUploaded(_ result: Result<Void, TransferFailure>, upload number: Int) async {
        guard var upload = diagnosticsUpload, upload.number == number else { return }
        let progress: UploadProgress
        switch result {
        case .success:
            logger.info("upload done", metadata: ["file": "\(upload.fileName)"])
            progress = .uploaded
        case .failure(let failure) where upload.attemptsLeft > 0 && failure.retryable:
            logger.warning("upload failed, will retry", metadata: ["reason": "\(failure.reason)", "attemptsLeft": "\(upload.attemptsLeft)"])
            upload.phase = .retryDue
            diagnosticsUpload = upload
            return
        case .failure(let failure):
            logger.error("upload failed", metadata: ["file": "\(upload.fileName)", "reason": "\(failure.reason)"])
            progress = .failed(failure)
        }
        diagnosticsUpload = nil
        await report(progress, of: upload)
    }

    /// DiagnosticsStatusNotification to every operator, or LogStatusNotification to the requester.
    private func report(_ progress: UploadProgress, of upload: DiagnosticsUpload) async {
        switch upload.request {
        case .diagnostics:
            let status: DiagnosticsStatus =
                switch progress {
                case .uploading: .uploading
                case .uploaded: .uploaded
                case .failed: .uploadFailed
                }
            await uplink?.emit(.diagnosticsStatus(DiagnosticsStatusNotificationRequest(status: status), to: nil))
        case .log(let request, let requester):
            let status: UploadLogStatus =
                switch progress {
                case .uploading: .uploading
                case .uploaded: .uploaded
                case .failed(let failure): failure.logStatus
                }
            await uplink?.emit(.logStatus(LogStatusNotificationRequest(status: status, requestId: request.requestId), to: requester))
        }
    }

    /// What TriggerMessage reports: Uploading while an upload is under way.
    var currentDiagnosticsStatus: DiagnosticsStatus {
        if case .diagnostics = diagnosticsUpload?.request { return .uploading }
        return .idle
    }

    /// What ExtendedTriggerMessage reports: Uploading with its requestId while a GetLog
    /// upload is under way, else Idle.
    var currentLogStatus: LogStatusNotificationRequest {
        if case .log(let request, _) = diagnosticsUpload?.request {
            return LogStatusNotificationRequest(status: .uploading, requestId: request.requestId)
        }
        return LogStatusNotificationRequest(status: .idle)
    }

    /// Waits until the upload under way has finished and its result is taken in.
    func diagnosticsWorkFinished() async {
        await diagnosticsWork?.value
    }

    /// Lets operators fetch diagnostics through `service`.
    public func useDiagnostics(_ service: any DiagnosticsService) {
        diagnosticsService = service
    }
}

extension GetDiagnosticsRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> GetDiagnosticsResponse {
        chargePoint.getDiagnostics(self, from: origin.operatorName, now: now)
    }
}
