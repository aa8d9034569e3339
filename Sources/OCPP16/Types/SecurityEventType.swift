/// The security events of the OCPP 1.6 Security Whitepaper (edition 3, appendix 1)
/// that can happen on this charger. On the wire the type is a free string; these are
/// the names the charger itself sends. Every one is sent, not only those the whitepaper
/// marks critical, and each is kept in the security log.
public enum SecurityEventType: String, Sendable, CaseIterable {
    case firmwareUpdated = "FirmwareUpdated"
    case failedToAuthenticateAtCentralSystem = "FailedToAuthenticateAtCentralSystem"
    case centralSystemFailedToAuthenticate = "CentralSystemFailedToAuthenticate"
    case settingSystemTime = "SettingSystemTime"
    case startupOfTheDevice = "StartupOfTheDevice"
    case resetOrReboot = "ResetOrReboot"
    case securityLogWasCleared = "SecurityLogWasCleared"
    case reconfigurationOfSecurityParameters = "ReconfigurationOfSecurityParameters"
    case memoryExhaustion = "MemoryExhaustion"
    case invalidMessages = "InvalidMessages"
    case attemptedReplayAttacks = "AttemptedReplayAttacks"
    case tamperDetectionActivated = "TamperDetectionActivated"
    case invalidFirmwareSignature = "InvalidFirmwareSignature"
    case invalidFirmwareSigningCertificate = "InvalidFirmwareSigningCertificate"
    case invalidCentralSystemCertificate = "InvalidCentralSystemCertificate"
    case invalidChargePointCertificate = "InvalidChargePointCertificate"
    case invalidTLSVersion = "InvalidTLSVersion"
    case invalidTLSCipherSuite = "InvalidTLSCipherSuite"

    /// Whether the event concerns the whole charger (it goes to every operator) rather
    /// than one operator's connection (it goes to that operator only).
    public var isChargerWide: Bool {
        switch self {
        case .firmwareUpdated, .settingSystemTime, .startupOfTheDevice, .resetOrReboot, .securityLogWasCleared,
            .memoryExhaustion, .tamperDetectionActivated, .invalidFirmwareSignature, .invalidFirmwareSigningCertificate:
            true
        default:
            false
        }
    }
}
