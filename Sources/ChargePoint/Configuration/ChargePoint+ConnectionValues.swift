extension ChargePoint {
    /// What is in force on an operator's connection (its SecurityProfile), shown to that
    /// operator by GetConfiguration.
    public func setConnectionValue(_ name: String, _ value: String, for operatorName: String) {
        configuration.setConnectionValue(name, value, for: operatorName)
    }
}
