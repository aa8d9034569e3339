/// Who sends the request of an action.
public enum OCPPInitiator: Sendable {
    case chargePoint
    case centralSystem
}

/// The OCPP 1.6 feature profiles.
public enum OCPPFeatureProfile: String, Sendable, CaseIterable {
    case core = "Core"
    case firmwareManagement = "FirmwareManagement"
    case localAuthListManagement = "LocalAuthListManagement"
    case reservation = "Reservation"
    case smartCharging = "SmartCharging"
    case remoteTrigger = "RemoteTrigger"
    /// The messages of the Security Whitepaper (edition 3). Not a feature
    /// profile of OCPP 1.6 itself and never listed in SupportedFeatureProfiles;
    /// it groups the extension's actions as the profiles group the others.
    case security = "Security"
}

/// Every action of the six OCPP 1.6 feature profiles and of the security extension.
public enum OCPPAction: String, Sendable, CaseIterable, Codable {
    // Core
    case authorize = "Authorize"
    case bootNotification = "BootNotification"
    case changeAvailability = "ChangeAvailability"
    case changeConfiguration = "ChangeConfiguration"
    case clearCache = "ClearCache"
    case dataTransfer = "DataTransfer"
    case getConfiguration = "GetConfiguration"
    case heartbeat = "Heartbeat"
    case meterValues = "MeterValues"
    case remoteStartTransaction = "RemoteStartTransaction"
    case remoteStopTransaction = "RemoteStopTransaction"
    case reset = "Reset"
    case startTransaction = "StartTransaction"
    case statusNotification = "StatusNotification"
    case stopTransaction = "StopTransaction"
    case unlockConnector = "UnlockConnector"
    // Firmware Management
    case diagnosticsStatusNotification = "DiagnosticsStatusNotification"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case getDiagnostics = "GetDiagnostics"
    case updateFirmware = "UpdateFirmware"
    // Local Auth List Management
    case getLocalListVersion = "GetLocalListVersion"
    case sendLocalList = "SendLocalList"
    // Reservation
    case cancelReservation = "CancelReservation"
    case reserveNow = "ReserveNow"
    // Smart Charging
    case clearChargingProfile = "ClearChargingProfile"
    case getCompositeSchedule = "GetCompositeSchedule"
    case setChargingProfile = "SetChargingProfile"
    // Remote Trigger
    case triggerMessage = "TriggerMessage"
    // Security extension
    case certificateSigned = "CertificateSigned"
    case deleteCertificate = "DeleteCertificate"
    case extendedTriggerMessage = "ExtendedTriggerMessage"
    case getInstalledCertificateIds = "GetInstalledCertificateIds"
    case getLog = "GetLog"
    case installCertificate = "InstallCertificate"
    case logStatusNotification = "LogStatusNotification"
    case securityEventNotification = "SecurityEventNotification"
    case signCertificate = "SignCertificate"
    case signedFirmwareStatusNotification = "SignedFirmwareStatusNotification"
    case signedUpdateFirmware = "SignedUpdateFirmware"

    private static let byName: [String: OCPPAction] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// The action with this name; a hash lookup rather than 39 comparisons.
    public init?(name: String) {
        guard let action = Self.byName[name] else { return nil }
        self = action
    }

    public var profile: OCPPFeatureProfile {
        switch self {
        case .diagnosticsStatusNotification, .firmwareStatusNotification, .getDiagnostics, .updateFirmware:
            .firmwareManagement
        case .getLocalListVersion, .sendLocalList: .localAuthListManagement
        case .cancelReservation, .reserveNow: .reservation
        case .clearChargingProfile, .getCompositeSchedule, .setChargingProfile: .smartCharging
        case .triggerMessage: .remoteTrigger
        case .certificateSigned, .deleteCertificate, .extendedTriggerMessage, .getInstalledCertificateIds, .getLog,
            .installCertificate, .logStatusNotification, .securityEventNotification, .signCertificate,
            .signedFirmwareStatusNotification, .signedUpdateFirmware:
            .security
        default: .core
        }
    }

    /// DataTransfer goes both ways; the initiator given for it is the charge point.
    public var initiator: OCPPInitiator {
        switch self {
        case .authorize, .bootNotification, .heartbeat, .meterValues, .startTransaction,
            .statusNotification, .stopTransaction, .diagnosticsStatusNotification,
            .firmwareStatusNotification, .dataTransfer, .logStatusNotification, .securityEventNotification,
            .signCertificate, .signedFirmwareStatusNotification:
            .chargePoint
        default:
            .centralSystem
        }
    }

    /// Whether a Central System may send this action's request to a charge point.
    public var isSentByCentralSystem: Bool { initiator == .centralSystem || self == .dataTransfer }

    /// Whether a charge point sends this action's request to a Central System.
    public var isSentByChargePoint: Bool { initiator == .chargePoint }

    /// The request type of the action.
    public var requestType: any OCPPRequest.Type {
        switch self {
        case .authorize: AuthorizeRequest.self
        case .bootNotification: BootNotificationRequest.self
        case .changeAvailability: ChangeAvailabilityRequest.self
        case .changeConfiguration: ChangeConfigurationRequest.self
        case .clearCache: ClearCacheRequest.self
        case .dataTransfer: DataTransferRequest.self
        case .getConfiguration: GetConfigurationRequest.self
        case .heartbeat: HeartbeatRequest.self
        case .meterValues: MeterValuesRequest.self
        case .remoteStartTransaction: RemoteStartTransactionRequest.self
        case .remoteStopTransaction: RemoteStopTransactionRequest.self
        case .reset: ResetRequest.self
        case .startTransaction: StartTransactionRequest.self
        case .statusNotification: StatusNotificationRequest.self
        case .stopTransaction: StopTransactionRequest.self
        case .unlockConnector: UnlockConnectorRequest.self
        case .diagnosticsStatusNotification: DiagnosticsStatusNotificationRequest.self
        case .firmwareStatusNotification: FirmwareStatusNotificationRequest.self
        case .getDiagnostics: GetDiagnosticsRequest.self
        case .updateFirmware: UpdateFirmwareRequest.self
        case .getLocalListVersion: GetLocalListVersionRequest.self
        case .sendLocalList: SendLocalListRequest.self
        case .cancelReservation: CancelReservationRequest.self
        case .reserveNow: ReserveNowRequest.self
        case .clearChargingProfile: ClearChargingProfileRequest.self
        case .getCompositeSchedule: GetCompositeScheduleRequest.self
        case .setChargingProfile: SetChargingProfileRequest.self
        case .triggerMessage: TriggerMessageRequest.self
        case .certificateSigned: CertificateSignedRequest.self
        case .deleteCertificate: DeleteCertificateRequest.self
        case .extendedTriggerMessage: ExtendedTriggerMessageRequest.self
        case .getInstalledCertificateIds: GetInstalledCertificateIdsRequest.self
        case .getLog: GetLogRequest.self
        case .installCertificate: InstallCertificateRequest.self
        case .logStatusNotification: LogStatusNotificationRequest.self
        case .securityEventNotification: SecurityEventNotificationRequest.self
        case .signCertificate: SignCertificateRequest.self
        case .signedFirmwareStatusNotification: SignedFirmwareStatusNotificationRequest.self
        case .signedUpdateFirmware: SignedUpdateFirmwareRequest.self
        }
    }

    /// The confirmation type of the action.
    public var responseType: any OCPPMessage.Type {
        func response<R: OCPPRequest>(of type: R.Type) -> any OCPPMessage.Type { R.Response.self }
        return response(of: requestType)
    }
}
