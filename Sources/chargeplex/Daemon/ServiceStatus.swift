import OCPP16

/// The one line systemd shows for the agent in `systemctl status` (STATUS=): what a
/// technician wants to know at a glance.
enum ServiceStatus {
    struct OperatorState: Sendable, Equatable {
        var name: String
        /// The link is open and the operator accepted the BootNotification.
        var connected: Bool
    }

    /// "2 of 3 operators connected (billing, home), 1 transaction running"; `operators` are
    /// the enabled ones, in list order.
    static func line(operators: [OperatorState], transactions: Int) -> String {
        let connected = operators.filter(\.connected).map(\.name)
        var text: String
        if operators.isEmpty {
            text = "no operator enabled"
        } else {
            text = "\(connected.count) of \(operators.count) operator\(operators.count == 1 ? "" : "s") connected"
            if !connected.isEmpty { text += " (\(connected.joined(separator: ", ")))" }
        }
        switch transactions {
        case ...0: text += ", no transaction running"
        case 1: text += ", 1 transaction running"
        default: text += ", \(transactions) transactions running"
        }
        return text
    }
}

extension Agent {
    /// The agent's STATUS line now.
    func serviceStatus() async -> String {
        let operators = await operators.overview().filter(\.enabled).map { line in
            ServiceStatus.OperatorState(
                name: line.name, connected: line.link == "open" && line.registration == RegistrationStatus.accepted.rawValue)
        }
        return ServiceStatus.line(operators: operators, transactions: await chargePoint.transactions.count)
    }
}
