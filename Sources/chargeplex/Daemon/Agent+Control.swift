import Board
import ChargePoint
import Configuration
import OCPP16
import OCPPKeys
import Operators

/// The commands of the control socket.
extension Agent {
    func control(_ line: String) async -> ControlAnswer {
        let words = line.split(separator: " ").map(String.init)
        switch words.first {
        case "status":
            return .text(await statusText())
        case "operators":
            return .text(await operatorsText())
        case "sim":
            return simulate(Array(words.dropFirst()))
        case "log":
            return log(Array(words.dropFirst()))
        case "config":
            return .text(await configurationText())
        case "security-log":
            return await securityLog(Array(words.dropFirst()))
        default:
            return .refused("unknown command: \(line.prefix(80))")
        }
    }

    /// `log COUNT [follow]`: the newest COUNT kept lines, and with `follow` every new one.
    func log(_ words: [String]) -> ControlAnswer {
        guard let count = words.first.flatMap({ Int($0) }), count >= 0, words.count <= 2,
            words.count == 1 || words[1] == "follow"
        else { return .refused("usage: log COUNT [follow]") }
        if words.count == 2 { return .stream(LogHistory.shared.follow(startingWith: count)) }
        return .text(LogHistory.shared.latest(count).map { $0 + "\n" }.joined())
    }

    /// The operator list in force and each operator's OCPP keys as the agent holds them, for
    /// `chargeplex config show`.
    func configurationText() async -> String {
        let source = await operators.source
        let entries = await operators.entries
        let keys = await chargePoint.configuration
        var lines = ["# The running agent's operator list (\(source))."]
        if entries.isEmpty { lines.append("# (no operators)") }
        for (index, entry) in entries.enumerated() {
            lines.append("")
            lines += ConfigurationListing.operatorLines(
                entry, keyLines: source == .configuration ? configuration.keyLines : nil, index: index,
                keys: heldKeys(of: entry.name, in: keys))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The keys `[ocpp]` sets and every other key not at its default, as operator `name`
    /// sees them, with where each value comes from.
    private func heldKeys(of name: String, in keys: ConfigurationStore) -> [ConfigurationListing.KeyValue] {
        let fromFile = Dictionary(configuration.ocppSettings.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return StandardKeys.all.compactMap { key in
            guard !key.readonly else { return nil }
            let value = keys.value(key.name, for: name)
            if let setting = fromFile[key.name] {
                let origin = value == setting.value ? "file line \(setting.line)" : "set over OCPP, the file says \(setting.value)"
                return .init(key: key.name, value: value, origin: origin)
            }
            return value == key.defaultValue ? nil : .init(key: key.name, value: value, origin: "set over OCPP")
        }
    }

    func statusText() async -> String {
        let meters = (board as? GPIOBoard)?.meterPoller ?? simulated?.meterPoller
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
            if let meter = meters?.status(connector: connector.number) { text += Self.meterText(meter) }
        }
        text += Self.externalLimitText(await chargePoint.externalLimitStates)
        return text + (await operatorsText())
    }

    /// A connector's Modbus meter, under its connector line: where it is and who, the last
    /// reading and its age, the poller's counters and whether PowerMeterFailure is active.
    static func meterText(_ meter: MeterStatus) -> String {
        // The identity as the agent logs it when polling starts.
        var text = "    " + meter.settings.identityLine(serial: meter.serial, answered: meter.lastReading != nil) + "\n"
        if let reading = meter.lastReading, let age = meter.lastReadingAgeMilliseconds {
            let energy = reading.energyWattHours.map { "\($0) Wh" } ?? "energy -"
            let power = reading.powerWatts.map { "\(($0 * 10).rounded() / 10) W" } ?? "power -"
            let seconds = Double(min(age, 999_999_999) / 100) / 10
            text += "    last reading: \(energy), \(power), \(seconds) s ago\n"
        } else {
            text += "    last reading: none yet\n"
        }
        // The counters as `meter watch` prints them.
        text += "    polling since start: \(meter.counters.line)\n"
        text += "    PowerMeterFailure: \(meter.powerMeterFailure ? "active (the meter does not answer)" : "not active")\n"
        return text
    }

    /// `external limit: 4200 W from the control contact since …`, one line per source the
    /// board has; nothing for a board without any.
    static func externalLimitText(_ states: [ExternalLimitState]) -> String {
        states.map { state in
            let source = state.source == .contact ? "the control contact" : "the energy manager"
            guard let watts = state.watts else { return "external limit: none from \(source) since \(state.since)\n" }
            let power = watts == watts.rounded() && watts < 1e15 ? "\(Int64(watts))" : "\(watts)"
            return "external limit: \(power) W from \(source) since \(state.since)\(watts == 0 ? " (charging suspended)" : "")\n"
        }.joined()
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

    /// `sim ACTION CONNECTOR [ARGUMENT]`, refused for a board that is not simulated or a
    /// connector it does not have.
    func simulate(_ words: [String]) -> ControlAnswer {
        guard let simulated else {
            return .refused("the board is not simulated (kind = \"\(configuration.board.kind.rawValue)\"): sim drives a simulated board only")
        }
        if words.first == "tamper" {
            guard words.count <= 2, words.count == 1 || words[1] == "on" || words[1] == "off" else {
                return .refused("usage: sim tamper [on|off]")
            }
            simulated.setTampered(words.count == 1 || words[1] == "on")
            return .text("ok\n")
        }
        if words.first == "limit" {
            guard words.count == 2, words[1] == "on" || words[1] == "off" else {
                return .refused("usage: sim limit on|off")
            }
            simulated.setLimitContact(words[1] == "on")
            return .text("ok\n")
        }
        guard words.count >= 2, let connector = Int(words[1]) else {
            return .refused("usage: sim plug|unplug|swipe|drawing|weld CONNECTOR [ARGUMENT], sim tamper [on|off] or sim limit on|off")
        }
        let count = board.connectorCount
        guard (1...count).contains(connector) else {
            let has = count == 1 ? "only connector 1" : "connectors 1 to \(count)"
            return .refused("this board has no connector \(connector): it has \(has)")
        }
        switch words[0] {
        case "plug": simulated.plug(connector)
        case "unplug": simulated.unplug(connector)
        case "swipe":
            guard words.count >= 3 else { return .refused("usage: sim swipe CONNECTOR IDTAG") }
            simulated.swipe(words[2], at: connector)
        case "drawing":
            simulated.setDrawing(connector, words.count < 3 || words[2] != "off")
        case "weld":
            simulated.setWelded(connector, true)
        default:
            return .refused("unknown sim action: \(words[0].prefix(40)); say plug, unplug, swipe, drawing or weld")
        }
        return .text("ok\n")
    }
}
