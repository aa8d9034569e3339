import OCPP16

extension ChargePoint {
    /// GetLog: from any operator, the diagnostics or the security log. Answers with the
    /// file name at once; the upload follows like GetDiagnostics', and its progress goes
    /// to the requester as LogStatusNotification with the request's requestId.
    func getLog(_ request: GetLogRequest, from operatorName: String?, now: OCPPDateTime) -> GetLogResponse {
        guard diagnosticsService != nil else {
            logger.warning("GetLog: this charger has no log upload")
            return GetLogResponse(status: .rejected)
        }
        let kind = request.logType == .securityLog ? "securitylog" : "diagnosticslog"
        let fileName = "chargeplex-\(kind)-" + Self.compactStamp(now) + ".txt"
        let cancelled = scheduleUpload(
            .log(request, requester: operatorName), fileName: fileName, retries: request.retries,
            retryInterval: request.retryInterval, by: operatorName, now: now)
        return GetLogResponse(status: cancelled ? .acceptedCanceled : .accepted, filename: BoundedString(truncating: fileName))
    }
}

extension GetLogRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> GetLogResponse {
        chargePoint.getLog(self, from: origin.operatorName, now: now)
    }
}

extension TransferFailure {
    /// The LogStatusNotification that reports this failure: the upload server's refusal
    /// in the whitepaper's words where it says which, else UploadFailure.
    var logStatus: UploadLogStatus {
        switch httpStatus {
        case 401?, 403?: .permissionDenied
        case 400?: .badMessage
        case 405?, 501?: .notSupportedOperation
        default: unsupportedLocation ? .notSupportedOperation : .uploadFailure
        }
    }
}
