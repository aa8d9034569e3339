import OCPP16
import Operators
import Store

/// The security log on the control socket, and as a file for GetLog.
extension Agent {
    /// `security-log` lists the kept events; `security-log clear` empties the log.
    func securityLog(_ words: [String]) async -> ControlAnswer {
        switch words {
        case []:
            do {
                let entries = try operators.securityLog.entries()
                if entries.isEmpty { return .text("the security log is empty\n") }
                return .text(entries.map { Self.line($0) + "\n" }.joined())
            } catch {
                return .refused("cannot read the security log: \(error)")
            }
        case ["clear"]:
            do {
                let removed = try await operators.clearSecurityLog(by: "the local command line")
                return .text("security log cleared: \(removed) event(s) removed; SecurityLogWasCleared recorded\n")
            } catch {
                return .refused("cannot clear the security log: \(error)")
            }
        default:
            return .refused("usage: security-log [clear]")
        }
    }

    /// One event as a line of text: time, type, the operator it concerns, techInfo.
    static func line(_ entry: SecurityLog.Entry) -> String {
        var line = "\(OCPPDateTime(millisecondsSince1970: entry.occurredAt)) \(entry.type)"
        line += " to " + (entry.operatorName ?? "every operator")
        if let techInfo = entry.techInfo { line += ": " + techInfo }
        return line
    }
}
