import ChargePoint
import Link
import OCPP16

/// GetDiagnostics on this machine: a text report (version, connectors,
/// operators, configuration without passwords, the kept log of the period)
/// sent with an HTTP(S) PUT into the operator's directory URL.
/// GetLog takes the same way, with the security log as the file when asked for.
struct AgentDiagnostics: DiagnosticsService {
    let report: @Sendable (OCPPDateTime?, OCPPDateTime?) async -> String
    let securityLog: @Sendable (OCPPDateTime?, OCPPDateTime?) async -> String

    func upload(fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?) async
        -> Result<Void, TransferFailure>
    {
        await upload(.diagnostics, fileName: fileName, to: location, from: start, until: stop)
    }

    func upload(_ log: UploadedLog, fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?)
        async -> Result<Void, TransferFailure>
    {
        let scheme = location.prefix { $0 != ":" }.lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(TransferFailure("uploads go over http:// or https://, not \(scheme.prefix(16)):", unsupportedLocation: true))
        }
        let text = log == .securityLog ? await securityLog(start, stop) : await report(start, stop)
        let url = location.hasSuffix("/") ? location + fileName : location + "/" + fileName
        do {
            try await HTTPDownload.put(Array(text.utf8), to: url)
            return .success(())
        } catch {
            // The reason is logged: a URL in it (a redirect's too) keeps no password.
            let reason = Secrets.maskingURLCredentials(in: error.description)
            return .failure(TransferFailure(reason, httpStatus: Self.refusal(in: reason)))
        }
    }

    /// The status of "the server answered HTTP 403 Forbidden", the only way the upload
    /// reports a server's refusal.
    static func refusal(in reason: String) -> Int? {
        guard let range = reason.firstRange(of: "the server answered HTTP ") else { return nil }
        let digits = reason[range.upperBound...].prefix { $0.isNumber }
        guard digits.count == 3, let status = Int(digits), (100...599).contains(status) else { return nil }
        return status
    }
}

extension Agent {
    /// The security log of `start`…`stop` as GetLog uploads it: one event a line.
    func securityLogReport(from start: OCPPDateTime?, until stop: OCPPDateTime?) -> String {
        let period = "\(start.map { "\($0)" } ?? "the oldest kept event") to \(stop.map { "\($0)" } ?? "now")"
        var text = "Chargeplex security log\ncharge point \(configuration.chargePoint.id), written \(WallClock.now())\n"
        do {
            let entries = try operators.securityLog.entries(
                from: start?.millisecondsSince1970, until: stop?.millisecondsSince1970)
            text += "events from \(period): \(entries.count)\n\n"
            for entry in entries { text += Self.line(entry) + "\n" }
        } catch {
            text += "the security log cannot be read: \(error)\n"
        }
        return text
    }

    func diagnosticsReport(from start: OCPPDateTime?, until stop: OCPPDateTime?) async -> String {
        let lines = LogHistory.shared.lines(from: start, until: stop)
        let period = "\(start.map { "\($0)" } ?? "the oldest kept line") to \(stop.map { "\($0)" } ?? "now")"
        return """
            Chargeplex diagnostics
            version \(ChargeplexVersion.string), charge point \(configuration.chargePoint.id), written \(WallClock.now())

            == status
            \(await statusText())
            == configuration
            \(configuration.description)

            == log from \(period): \(lines.count) line(s)
            \(lines.joined(separator: "\n"))

            """
    }
}
