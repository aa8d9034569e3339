import Testing

@testable import Configuration

/// A minimal valid configuration, to which a test appends the part it is about; appended
/// text starts on line 9.
let minimalConfiguration = """
    [chargepoint]
    id = "CP-1"
    vendor = "Acme"
    model = "Wallbox"

    [board]
    kind = "sim"
    connectors = 2

    """

/// The error a configuration raises, or `nil` (and a test failure) if it loads.
func configurationError(_ text: String, fileName: String = "chargeplex.toml") -> ConfigurationError? {
    do {
        let configuration = try AgentConfiguration.parse(text: text, fileName: fileName)
        Issue.record("the configuration loaded: \(configuration)")
        return nil
    } catch {
        return error
    }
}
