import OCPP16

/// What the charge point knows at the moment a profile is installed or a
/// schedule is computed: its capabilities and the running transactions.
public struct SmartChargingContext: Sendable, Equatable {
    public var configuration: SmartChargingConfiguration
    /// The running transactions by connector id.
    public var transactions: [Int: ConnectorTransaction]

    public init(configuration: SmartChargingConfiguration, transactions: [Int: ConnectorTransaction] = [:]) {
        self.configuration = configuration
        self.transactions = transactions
    }
}
