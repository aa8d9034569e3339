import ChargePoint
import OCPP16
import Operators

/// The commands of the control socket.
extension Agent {
    func control(_ line: String) async -> String {
        let words = line.split(separator: " ").map(String.init)
        switch words.first {
        case "status":
            return await statusText()
        case "operators":
            return await operatorsText()
        case "sim":
            return simulate(Array(words.dropFirst()))
        default:
            return "unknown command: \(line.prefix(80))\n"
        }
    }

    func statusText() async -> String {
        var text = "connectors:\n"
        for connector in await chargePoint.snapshot() {
            text += "  \(connector.number): \(connector.status.rawValue)"
            if connector.errorCode != .noError { text += " (\(connector.errorCode.rawValue))" }
            text += ", \(connector.wattHours) Wh"
            if let limit = connector.limitAmperes { text += ", limit \(limit) A" }
            if let transaction = connector.transaction {
                text += ", transaction \(transaction.ref) for \(transaction.idTag.value)"
                if let authority = transaction.authority { text += " (authority \(authority))" }
            }
            text += "\n"
        }
        return text + (await operatorsText())
    }

    func operatorsText() async -> String {
        var text = "operators (list from \(await operators.source)):\n"
        for line in await operators.overview() {
            text += "  \(line.name) [\(line.role.rawValue)]\(line.isAuthority ? " AUTHORITY" : "")\(line.enabled ? "" : " disabled")"
            text += ": link \(line.link), registration \(line.registration), queue \(line.queueDepth)\n"
            text += "    \(line.url)\n"
            if line.abandonedStarts > 0 {
                text += "    \(line.abandonedStarts) StartTransaction(s) given up: those transactions' messages did not reach this operator\n"
            }
            for (ref, id) in line.transactionIds.sorted(by: { $0.key < $1.key }) {
                text += "    transaction \(ref) is \(id) here\n"
            }
        }
        text += "authority: \(await operators.authorityReason)\n"
        return text
    }

    func simulate(_ words: [String]) -> String {
        guard let simulated else { return "the board is not simulated\n" }
        guard words.count >= 2, let connector = Int(words[1]) else {
            return "usage: sim plug|unplug|swipe|drawing|fault CONNECTOR [ARGUMENT]\n"
        }
        switch words[0] {
        case "plug": simulated.plug(connector)
        case "unplug": simulated.unplug(connector)
        case "swipe":
            guard words.count >= 3 else { return "usage: sim swipe CONNECTOR IDTAG\n" }
            simulated.swipe(words[2], at: connector)
        case "drawing":
            simulated.setDrawing(connector, words.count < 3 || words[2] != "off")
        case "weld":
            simulated.setWelded(connector, true)
        default:
            return "unknown sim command: \(words[0])\n"
        }
        return "ok\n"
    }
}
