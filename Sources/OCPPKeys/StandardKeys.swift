/// Every configuration key of the OCPP 1.6 profiles and of the security extension the agent implements.
public enum StandardKeys {
    static let measurands: Set<String> = [
        "Energy.Active.Import.Register", "Energy.Active.Import.Interval", "Power.Active.Import",
        "Current.Import", "Current.Offered", "Voltage", "Power.Offered", "Frequency",
    ]
    static let features: Set<String> = [
        "Core", "FirmwareManagement", "LocalAuthListManagement", "Reservation", "SmartCharging", "RemoteTrigger",
    ]
    static let seconds = 0...86_400

    public static let all: [ConfigurationKey] = [
        // Core
        ConfigurationKey("AllowOfflineTxForUnknownId", "false", .boolean, scope: .authorization),
        ConfigurationKey("AuthorizationCacheEnabled", "true", .boolean, scope: .authorization),
        ConfigurationKey("AuthorizeRemoteTxRequests", "true", .boolean, scope: .authorization),
        ConfigurationKey("BlinkRepeat", "3", .integer(0...100)),
        ConfigurationKey("ClockAlignedDataInterval", "0", .integer(seconds), scope: .perOperator),
        ConfigurationKey("ConnectionTimeOut", "60", .integer(1...3600), scope: .authorization),
        ConfigurationKey("ConnectorPhaseRotation", "0.RST", .list(allowed: [], maximumCount: 9)),
        ConfigurationKey("ConnectorPhaseRotationMaxLength", "9", readonly: true, .integer(0...99)),
        ConfigurationKey("GetConfigurationMaxKeys", "64", readonly: true, .integer(1...999)),
        ConfigurationKey("HeartbeatInterval", "300", .integer(0...86_400), scope: .perOperator),
        ConfigurationKey("LightIntensity", "100", .integer(0...100)),
        ConfigurationKey("LocalAuthorizeOffline", "true", .boolean, scope: .authorization),
        ConfigurationKey("LocalPreAuthorize", "false", .boolean, scope: .authorization),
        ConfigurationKey("MaxEnergyOnInvalidId", "0", .integer(0...1_000_000), scope: .authorization),
        ConfigurationKey("MeterValuesAlignedData", "Energy.Active.Import.Register", .list(allowed: measurands, maximumCount: 8), scope: .perOperator),
        ConfigurationKey("MeterValuesAlignedDataMaxLength", "8", readonly: true, .integer(0...99)),
        ConfigurationKey("MeterValuesSampledData", "Energy.Active.Import.Register", .list(allowed: measurands, maximumCount: 8), scope: .perOperator),
        ConfigurationKey("MeterValuesSampledDataMaxLength", "8", readonly: true, .integer(0...99)),
        ConfigurationKey("MeterValueSampleInterval", "60", .integer(seconds), scope: .perOperator),
        ConfigurationKey("MinimumStatusDuration", "0", .integer(0...3600)),
        ConfigurationKey("NumberOfConnectors", "1", readonly: true, .integer(1...8)),
        ConfigurationKey("ResetRetries", "1", .integer(0...10)),
        ConfigurationKey("StopTransactionOnEVSideDisconnect", "true", .boolean),
        ConfigurationKey("StopTransactionOnInvalidId", "true", .boolean, scope: .authorization),
        ConfigurationKey("StopTxnAlignedData", "", .list(allowed: measurands, maximumCount: 8), scope: .perOperator),
        ConfigurationKey("StopTxnAlignedDataMaxLength", "8", readonly: true, .integer(0...99)),
        ConfigurationKey("StopTxnSampledData", "", .list(allowed: measurands, maximumCount: 8), scope: .perOperator),
        ConfigurationKey("StopTxnSampledDataMaxLength", "8", readonly: true, .integer(0...99)),
        ConfigurationKey("SupportedFeatureProfiles", features.sorted().joined(separator: ","), readonly: true, .text(maximumLength: 500)),
        ConfigurationKey("TransactionMessageAttempts", "3", .integer(1...100)),
        ConfigurationKey("TransactionMessageRetryInterval", "30", .integer(1...3600)),
        ConfigurationKey("UnlockConnectorOnEVSideDisconnect", "true", .boolean),
        ConfigurationKey("WebSocketPingInterval", "60", .integer(0...3600), scope: .perOperator),
        // Local Auth List Management
        ConfigurationKey("LocalAuthListEnabled", "true", .boolean, scope: .authorization),
        ConfigurationKey("LocalAuthListMaxLength", "1000", readonly: true, .integer(0...100_000)),
        ConfigurationKey("SendLocalListMaxLength", "100", readonly: true, .integer(0...100_000)),
        // Reservation
        ConfigurationKey("ReserveConnectorZeroSupported", "true", readonly: true, .boolean),
        // Smart Charging
        ConfigurationKey("ChargeProfileMaxStackLevel", "10", readonly: true, .integer(0...100)),
        ConfigurationKey("ChargingScheduleAllowedChargingRateUnit", "Current,Power", readonly: true, .list(allowed: ["Current", "Power"], maximumCount: 2)),
        ConfigurationKey("ChargingScheduleMaxPeriods", "48", readonly: true, .integer(1...1000)),
        ConfigurationKey("ConnectorSwitch3to1PhaseSupported", "false", readonly: true, .boolean),
        ConfigurationKey("MaxChargingProfilesInstalled", "20", readonly: true, .integer(1...1000)),
        // Security extension (Security Whitepaper, edition 3). Each operator has its own identity
        // and trust (operators.md), so the keys about its connection and its client certificate
        // are its own. SecurityProfile and AuthorizationKey change the operator's connection: the
        // operators layer takes them (only upward for the profile, the key as 16 to 20 octets in
        // hex), reconnects, and falls back to the previous values if the new connection fails.
        ConfigurationKey("AdditionalRootCertificateCheck", "false", readonly: true, .boolean, scope: .perOperator),
        ConfigurationKey("AuthorizationKey", "", .text(maximumLength: 40), scope: .perOperator, rebootRequired: false, writeOnly: true),
        // The whitepaper caps a CertificateSigned chain at 10 000 characters, as the schema does.
        ConfigurationKey("CertificateSignedMaxChainSize", "10000", readonly: true, .integer(1...10_000)),
        // Root certificates each store holds at most.
        ConfigurationKey("CertificateStoreMaxLength", "20", readonly: true, .integer(1...1000)),
        // Seconds to wait for CertificateSigned after an accepted SignCertificate before a new CSR,
        // doubled after each further attempt, CertSigningRepeatTimes times at most.
        ConfigurationKey("CertSigningRepeatTimes", "3", .integer(0...20), scope: .perOperator),
        ConfigurationKey("CertSigningWaitMinimum", "60", .integer(1...86_400), scope: .perOperator),
        // The organizationName (O) of the client certificate's CSR: X.520 allows 64 characters.
        ConfigurationKey("CpoName", "", .text(maximumLength: 64), scope: .perOperator),
        ConfigurationKey("SecurityProfile", "0", .integer(0...3), scope: .perOperator),
    ]

    public static let byName: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name.lowercased(), $0) })

    /// Keys whose value is never shown (write-only per the security whitepaper), lowercased.
    public static let secret: Set<String> = Set(all.filter(\.writeOnly).map { $0.name.lowercased() })

    public static func key(named name: String) -> ConfigurationKey? { byName[name.lowercased()] }
}
