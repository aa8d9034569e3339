import ChargePoint
import Link
import OCPP16

/// GetDiagnostics on this machine: a text report (version, connectors,
/// operators, configuration without passwords, the kept log of the period)
/// sent with an HTTP(S) PUT into the operator's directory URL.
struct AgentDiagnostics: DiagnosticsService {
    let report: @Sendable (OCPPDateTime?, OCPPDateTime?) async -> String

    func upload(fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?) async
        -> Result<Void, TransferFailure>
    {
        let text = await report(start, stop)
        let url = location.hasSuffix("/") ? location + fileName : location + "/" + fileName
        do {
            try await HTTPDownload.put(Array(text.utf8), to: url)
            return .success(())
        } catch {
            // The reason is logged: a URL in it (a redirect's too) keeps no password.
            return .failure(TransferFailure(Secrets.maskingURLCredentials(in: error.description)))
        }
    }
}

extension Agent {
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
