import Logging

/// The one line that says the agent is up and what it runs with.
extension Agent {
    func startupFacts() async -> Logger.Metadata {
        var facts: Logger.Metadata = [
            "version": "\(ChargeplexVersion.string)",
            "config": "\(configurationFile)",
            "state": "\(configuration.stateDirectory)",
            "board": "\(configuration.board.kind.rawValue)",
            "connectors": "\(board.connectorCount)",
            "operators": "\(await operators.entries.filter(\.enabled).count)",
        ]
        if let pinMap = configuration.board.pinMap { facts["pinmap"] = "\(pinMap)" }
        switch await operators.source {
        case .configuration: facts["list"] = "configuration"
        case .pushed(let version, let by): facts["list"] = "pushed by \(by) as version \(version)"
        }
        return facts
    }
}
