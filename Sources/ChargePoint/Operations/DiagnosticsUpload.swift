import OCPP16

/// Where diagnostics go: the daemon writes the report (its state and the
/// log of the period asked for) and uploads it.
public protocol DiagnosticsService: Sendable {
    /// Uploads the diagnostics of `start`…`stop` (open ends allowed) as
    /// `fileName` into the directory URL `location`.
    func upload(fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?) async
        -> Result<Void, TransferFailure>
}

/// One GetDiagnostics, from the request to Uploaded or UploadFailed.
struct DiagnosticsUpload: Sendable {
    enum Phase: Sendable, Equatable {
        case scheduled(at: OCPPDateTime)
        case uploading
        /// An attempt failed and another is allowed: planned at the next tick.
        case retryDue
    }

    var request: GetDiagnosticsRequest
    var fileName: String
    var attemptsLeft: Int
    /// Seconds between a failed attempt and the next.
    var retryInterval: Int64
    var phase: Phase
    var number: Int
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
        let retries = TransferRetries(retries: request.retries, retryInterval: request.retryInterval)
        if retries.clamped {
            logger.notice(
                "GetDiagnostics: retries or retryInterval beyond what the charger does, bounded",
                metadata: ["attempts": "\(retries.attempts)", "retryInterval": "\(retries.interval) s"])
        }
        diagnosticsUploadCount += 1
        diagnosticsUpload = DiagnosticsUpload(
            request: request, fileName: fileName, attemptsLeft: retries.attempts, retryInterval: retries.interval,
            phase: .scheduled(at: now), number: diagnosticsUploadCount)
        logger.info("diagnostics requested", metadata: ["location": "\(Secrets.maskingURLCredentials(in: request.location))", "file": "\(fileName)", "by": "\(operatorName ?? "-")"])
        return GetDiagnosticsResponse(fileName: CiString255(truncating: fileName))
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
            await uplink?.emit(.diagnosticsStatus(DiagnosticsStatusNotificationRequest(status: .uploading), to: nil))
            let (number, request, fileName) = (upload.number, upload.request, upload.fileName)
            diagnosticsWork = Task {
                let result = await service.upload(
                    fileName: fileName, to: request.location, from: request.startTime, until: request.stopTime)
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
        let status: DiagnosticsStatus
        switch result {
        case .success:
            logger.info("diagnostics uploaded", metadata: ["file": "\(upload.fileName)"])
            status = .uploaded
        case .failure(let failure) where upload.attemptsLeft > 0:
            logger.warning("diagnostics upload failed, will retry", metadata: ["reason": "\(failure.reason)", "attemptsLeft": "\(upload.attemptsLeft)"])
            upload.phase = .retryDue
            diagnosticsUpload = upload
            return
        case .failure(let failure):
            logger.error("diagnostics upload failed", metadata: ["reason": "\(failure.reason)"])
            status = .uploadFailed
        }
        diagnosticsUpload = nil
        await uplink?.emit(.diagnosticsStatus(DiagnosticsStatusNotificationRequest(status: status), to: nil))
    }

    /// What TriggerMessage reports: Uploading while an upload is under way.
    var currentDiagnosticsStatus: DiagnosticsStatus {
        diagnosticsUpload == nil ? .idle : .uploading
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
