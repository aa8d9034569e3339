// Board events and commands as one line of text each, for
// `chargeplex board watch`, the GPIO probe's stdin/stdout and anything that
// drives a board from a script. Both directions parse and print, so a
// script can feed events to a board in a test as well as read them.
//
//   card connector=- idTag=04A1B2        (connector - : a shared reader)
//   plug connector=1 connected=true
//   relayFeedback connector=1 closed=false
//   energy connector=1 wattHours=12345
//   evDrawing connector=1 drawing=true
//   fault connector=1 fault=PowerSwitchFailure active=true
//   tamper active=true
//
//   relay 1 on | relay 1 off
//   limit 1 16.5
//   indicate 1 charging | indicate - idle

extension BoardEvent {
    /// The event as one line of text.
    public var line: String {
        switch self {
        case .cardRead(let connector, let idTag):
            "card connector=\(connector.map(String.init) ?? "-") idTag=\(idTag)"
        case .plug(let connector, let connected):
            "plug connector=\(connector) connected=\(connected)"
        case .relayFeedback(let connector, let closed):
            "relayFeedback connector=\(connector) closed=\(closed)"
        case .energy(let connector, let wattHours):
            "energy connector=\(connector) wattHours=\(wattHours)"
        case .evDrawing(let connector, let drawing):
            "evDrawing connector=\(connector) drawing=\(drawing)"
        case .fault(let connector, let fault, let active):
            "fault connector=\(connector) fault=\(fault.rawValue) active=\(active)"
        case .tamper(let active):
            "tamper active=\(active)"
        case .alive(let probe):
            "alive probe=\(probe)"
        case .meterReading(let connector, let reading):
            "meter connector=\(connector)" + reading.lineFields
        case .externalLimit(let source, let watts):
            "externalLimit source=\(source.rawValue) watts=\(watts.map { "\($0)" } ?? "-")"
        }
    }

    /// Reads a line written by `line`; nil for anything else.
    public init?(line: String) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let name = words.first else { return nil }
        var fields: [Substring: Substring] = [:]
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            fields[word[..<equals]] = word[word.index(after: equals)...]
        }
        if name == "tamper" {
            guard fields.count == 1, let active = fields["active"].flatMap({ Bool(String($0)) }) else { return nil }
            self = .tamper(active: active)
            return
        }
        if name == "alive" {
            guard fields.count == 1, let probe = fields["probe"].flatMap({ UInt64($0) }) else { return nil }
            self = .alive(probe: probe)
            return
        }
        guard let connectorText = fields["connector"], fields.count == (name == "fault" ? 3 : 2) else { return nil }
        let connector = Int(connectorText)
        func flag(_ key: Substring) -> Bool? { fields[key].flatMap { Bool(String($0)) } }
        switch name {
        case "card":
            guard let idTag = fields["idTag"], !idTag.isEmpty, connector != nil || connectorText == "-" else { return nil }
            self = .cardRead(connector: connector, idTag: String(idTag))
        case "plug":
            guard let connector, let connected = flag("connected") else { return nil }
            self = .plug(connector: connector, connected: connected)
        case "relayFeedback":
            guard let connector, let closed = flag("closed") else { return nil }
            self = .relayFeedback(connector: connector, closed: closed)
        case "energy":
            guard let connector, let wattHours = fields["wattHours"].flatMap({ Int64($0) }) else { return nil }
            self = .energy(connector: connector, wattHours: wattHours)
        case "evDrawing":
            guard let connector, let drawing = flag("drawing") else { return nil }
            self = .evDrawing(connector: connector, drawing: drawing)
        case "fault":
            guard let connector, let fault = fields["fault"].flatMap({ BoardFault(rawValue: String($0)) }),
                  let active = flag("active") else { return nil }
            self = .fault(connector: connector, fault: fault, active: active)
        default:
            return nil
        }
    }
}

extension BoardCommand {
    /// The command as one line of text.
    public var line: String {
        switch self {
        case .relay(let connector, let closed): "relay \(connector) \(closed ? "on" : "off")"
        case .currentLimit(let connector, let amperes): "limit \(connector) \(amperes)"
        case .indicate(let connector, let indication):
            "indicate \(connector.map(String.init) ?? "-") \(indication.rawValue)"
        }
    }

    /// Reads a line written by `line`; nil for anything else.
    public init?(line: String) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count == 3 else { return nil }
        switch words[0] {
        case "relay":
            guard let connector = Int(words[1]), words[2] == "on" || words[2] == "off" else { return nil }
            self = .relay(connector: connector, closed: words[2] == "on")
        case "limit":
            guard let connector = Int(words[1]), let amperes = Double(words[2]), amperes >= 0 else { return nil }
            self = .currentLimit(connector: connector, amperes: amperes)
        case "indicate":
            guard let indication = Indication(rawValue: words[2]) else { return nil }
            if words[1] == "-" {
                self = .indicate(connector: nil, indication)
            } else {
                guard let connector = Int(words[1]) else { return nil }
                self = .indicate(connector: connector, indication)
            }
        default:
            return nil
        }
    }
}

extension MeterReading {
    /// ` energyWh=… powerW=… …` for what the reading has.
    var lineFields: String {
        var text = ""
        if let energyWattHours { text += " energyWh=\(energyWattHours)" }
        if let powerWatts { text += " powerW=\(powerWatts)" }
        for (index, value) in currentAmperes.enumerated() { if let value { text += " currentL\(index + 1)=\(value)" } }
        for (index, value) in voltageVolts.enumerated() { if let value { text += " voltageL\(index + 1)=\(value)" } }
        if let frequencyHertz { text += " frequencyHz=\(frequencyHertz)" }
        if let serial { text += " serial=\(serial)" }
        return text
    }
}
