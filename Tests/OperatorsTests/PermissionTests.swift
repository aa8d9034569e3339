import Configuration
import OCPP16
import OCPPKeys
import Testing

@testable import Operators

/// One test per row of the rule book's table "What each role may do".
@Suite struct PermissionTests {
    static let authority = PermissionContext(role: .billing, isAuthority: true)
    static let dataControl = PermissionContext(role: .dataControl, isAuthority: false)
    static let homeUnderBilling = PermissionContext(role: .home, isAuthority: false)

    func refusal(_ request: any OCPPRequest, _ context: PermissionContext) -> (any OCPPMessage)? {
        if case .refuse(let answer) = permission(for: request, in: context) { return answer }
        return nil
    }

    @Test func remoteStartOnlyForTheAuthority() {
        let request = RemoteStartTransactionRequest(connectorId: 1, idTag: "A")
        #expect(permission(for: request, in: Self.authority).isAllowed)
        #expect((refusal(request, Self.dataControl) as? RemoteStartTransactionResponse)?.status == .rejected)
        #expect((refusal(request, Self.homeUnderBilling) as? RemoteStartTransactionResponse)?.status == .rejected)
    }

    @Test func remoteStopOnlyForTheTransactionsOwnAuthority() {
        let request = RemoteStopTransactionRequest(transactionId: 5)
        var owner = Self.dataControl
        owner.ownsTransaction = true
        #expect(permission(for: request, in: owner).isAllowed)
        var newAuthority = Self.authority
        newAuthority.ownsTransaction = false
        #expect((refusal(request, newAuthority) as? RemoteStopTransactionResponse)?.status == .rejected)
        #expect((refusal(request, Self.dataControl) as? RemoteStopTransactionResponse)?.status == .rejected)
    }

    @Test func reservationsOnlyForTheAuthority() {
        let reserve = ReserveNowRequest(connectorId: 1, expiryDate: OCPPDateTime(millisecondsSince1970: 0), idTag: "A", reservationId: 1)
        let cancel = CancelReservationRequest(reservationId: 1)
        #expect(permission(for: reserve, in: Self.authority).isAllowed)
        #expect(permission(for: cancel, in: Self.authority).isAllowed)
        #expect((refusal(reserve, Self.dataControl) as? ReserveNowResponse)?.status == .rejected)
        #expect((refusal(cancel, Self.dataControl) as? CancelReservationResponse)?.status == .rejected)
    }

    @Test func unlockFailsForOthersOnlyWhileATransactionRuns() {
        let request = UnlockConnectorRequest(connectorId: 1)
        var busy = Self.dataControl
        busy.transactionOnConnector = true
        #expect((refusal(request, busy) as? UnlockConnectorResponse)?.status == .unlockFailed)
        #expect(permission(for: request, in: Self.dataControl).isAllowed)
        var busyAuthority = Self.authority
        busyAuthority.transactionOnConnector = true
        #expect(permission(for: request, in: busyAuthority).isAllowed)
    }

    /// Security extension: "SignedUpdateFirmware, GetLog | allowed | allowed"; the charge
    /// point itself keeps the installation until no transaction runs.
    @Test func signedUpdateFirmwareForEveryRoleEvenDuringATransaction() {
        let request = SignedUpdateFirmwareRequest(
            requestId: 1,
            firmware: SignedFirmware(
                location: "https://fw.example/f.bin", retrieveDateTime: OCPPDateTime(millisecondsSince1970: 0), signingCertificate: "PEM",
                signature: "c2ln"))
        var busy = Self.dataControl
        busy.anyTransaction = true
        for context in [Self.authority, Self.dataControl, Self.homeUnderBilling, busy] {
            #expect(permission(for: request, in: context).isAllowed)
        }
    }

    @Test func resetRejectedForOthersWhileAnyTransactionRuns() {
        let request = ResetRequest(type: .hard)
        var busy = Self.dataControl
        busy.anyTransaction = true
        #expect((refusal(request, busy) as? ResetResponse)?.status == .rejected)
        #expect(permission(for: request, in: Self.dataControl).isAllowed)
        var busyAuthority = Self.authority
        busyAuthority.anyTransaction = true
        #expect(permission(for: request, in: busyAuthority).isAllowed)
    }

    @Test func changeAvailabilityAndSmartChargingForEveryone() {
        let requests: [any OCPPRequest] = [
            ChangeAvailabilityRequest(connectorId: 1, type: .inoperative),
            ClearChargingProfileRequest(), GetCompositeScheduleRequest(connectorId: 1, duration: 60),
        ]
        for request in requests {
            #expect(permission(for: request, in: Self.dataControl).isAllowed)
            #expect(permission(for: request, in: Self.authority).isAllowed)
        }
    }

    @Test(arguments: [
        "AuthorizeRemoteTxRequests", "LocalAuthorizeOffline", "LocalPreAuthorize", "AllowOfflineTxForUnknownId",
        "AuthorizationCacheEnabled", "StopTransactionOnInvalidId", "MaxEnergyOnInvalidId", "LocalAuthListEnabled",
        "ConnectionTimeOut",
    ])
    func authorizationKeysOnlyForTheAuthority(_ key: String) {
        let request = ChangeConfigurationRequest(key: CiString50(truncating: key), value: "true")
        #expect(permission(for: request, in: Self.authority).isAllowed)
        #expect((refusal(request, Self.dataControl) as? ChangeConfigurationResponse)?.status == .rejected)
    }

    /// The permission table and the key table agree on which keys decide who may charge.
    @Test func theKeyTablesAuthorityOnlyKeysAreRefusedToOthers() {
        for key in StandardKeys.all {
            let request = ChangeConfigurationRequest(key: CiString50(truncating: key.name), value: CiString500(truncating: key.defaultValue))
            let refused = refusal(request, Self.dataControl) != nil
            #expect(refused == (key.scope == .authorization), "\(key.name)")
        }
    }

    @Test func otherKeysAndPerConnectionKeysForEveryone() {
        for key in ["HeartbeatInterval", "MeterValueSampleInterval", "MeterValuesSampledData", "LightIntensity"] {
            let request = ChangeConfigurationRequest(key: CiString50(truncating: key), value: "10")
            #expect(permission(for: request, in: Self.dataControl).isAllowed)
        }
    }

    @Test func localListsCachesAndTriggersForEveryone() {
        let requests: [any OCPPRequest] = [
            SendLocalListRequest(listVersion: 1, updateType: .full), GetLocalListVersionRequest(), ClearCacheRequest(),
            TriggerMessageRequest(requestedMessage: .statusNotification),
        ]
        for request in requests { #expect(permission(for: request, in: Self.dataControl).isAllowed) }
    }

    @Test func manufacturerRootsInstalledOnlyByHome() {
        let request = InstallCertificateRequest(certificateType: .manufacturerRootCertificate, certificate: "PEM")
        #expect(permission(for: request, in: PermissionContext(role: .home, isAuthority: true)).isAllowed)
        #expect(permission(for: request, in: Self.homeUnderBilling).isAllowed)
        #expect((refusal(request, Self.authority) as? InstallCertificateResponse)?.status == .rejected)
        #expect((refusal(request, Self.dataControl) as? InstallCertificateResponse)?.status == .rejected)
    }

    @Test func centralSystemRootsInstalledByEveryoneIntoTheirOwnStore() {
        let request = InstallCertificateRequest(certificateType: .centralSystemRootCertificate, certificate: "PEM")
        for context in [Self.authority, Self.dataControl, Self.homeUnderBilling] {
            #expect(permission(for: request, in: context).isAllowed)
        }
    }

    @Test func manufacturerRootsDeletedOnlyByHome() {
        let request = DeleteCertificateRequest(
            certificateHashData: CertificateHashData(hashAlgorithm: .sha256, issuerNameHash: "a", issuerKeyHash: "b", serialNumber: "1"))
        var home = Self.homeUnderBilling
        home.certificateStore = .manufacturerRootCertificate
        #expect(permission(for: request, in: home).isAllowed)
        for var other in [Self.authority, Self.dataControl] {
            other.certificateStore = .manufacturerRootCertificate
            #expect((refusal(request, other) as? DeleteCertificateResponse)?.status == .failed)
        }
    }

    @Test func ownRootsDeletedByEveryone() {
        let request = DeleteCertificateRequest(
            certificateHashData: CertificateHashData(hashAlgorithm: .sha256, issuerNameHash: "a", issuerKeyHash: "b", serialNumber: "1"))
        for var context in [Self.authority, Self.dataControl, Self.homeUnderBilling] {
            context.certificateStore = .centralSystemRootCertificate
            #expect(permission(for: request, in: context).isAllowed)
            // Found in no store the operator may see: the store answers NotFound.
            context.certificateStore = nil
            #expect(permission(for: request, in: context).isAllowed)
        }
    }

    @Test func installedCertificatesListedForEveryone() {
        for use in CertificateUse.allCases {
            let request = GetInstalledCertificateIdsRequest(certificateType: use)
            for context in [Self.authority, Self.dataControl, Self.homeUnderBilling] {
                #expect(permission(for: request, in: context).isAllowed)
            }
        }
    }

    @Test func operatorListManagementOnlyForHome() {
        let request = DataTransferRequest(vendorId: CiString255(truncating: OperatorListTransfer.vendorId), messageId: "SetOperators", data: "{}")
        #expect(permission(for: request, in: PermissionContext(role: .home, isAuthority: true)).isAllowed)
        #expect(permission(for: request, in: Self.homeUnderBilling).isAllowed)
        #expect((refusal(request, Self.authority) as? DataTransferResponse)?.status == .rejected)
        #expect((refusal(request, Self.dataControl) as? DataTransferResponse)?.status == .rejected)
        let other = DataTransferRequest(vendorId: "com.example", messageId: "X")
        #expect(permission(for: other, in: Self.dataControl).isAllowed)
    }
}

@Suite struct AuthorityTests {
    func entry(_ name: String, _ role: OperatorRole, enabled: Bool = true) -> OperatorEntry {
        OperatorEntry(name: name, url: "ws://127.0.0.1:1/", chargePointId: "CP", role: role, allowInsecure: true, enabled: enabled)
    }

    @Test func billingIfSetElseHomeElseNobody() {
        #expect(Operators.authority(of: [entry("h", .home), entry("b", .billing), entry("d", .dataControl)])?.name == "b")
        #expect(Operators.authority(of: [entry("h", .home), entry("d", .dataControl)])?.name == "h")
        #expect(Operators.authority(of: [entry("d", .dataControl)]) == nil)
        #expect(Operators.authority(of: [entry("h", .home), entry("b", .billing, enabled: false)])?.name == "h")
    }

    @Test func pushedListsAreValidatedWhole() {
        let twoBilling = #"{"version":2,"operators":[{"name":"a","url":"ws://x/","role":"billing","allowInsecure":true},{"name":"b","url":"ws://y/","role":"billing","allowInsecure":true}]}"#
        guard case .failure(let refusal) = OperatorListTransfer.decode(twoBilling, defaultChargePointId: "CP") else {
            Issue.record("two billing operators accepted")
            return
        }
        #expect(refusal.description.contains("billing"))
        let good = #"{"version":3,"operators":[{"name":"a","url":"ws://x/","role":"billing","allowInsecure":true}]}"#
        guard case .success(let list) = OperatorListTransfer.decode(good, defaultChargePointId: "CP") else {
            Issue.record("a valid list was refused")
            return
        }
        #expect(list.version == 3)
        #expect(list.operators.first?.chargePointId == "CP")
        #expect(OperatorListTransfer.decode("[1]", defaultChargePointId: "CP").isFailure)
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

/// Every action a Central System may send has its home in `Actions/`: its
/// row, its id translation and its handling.
@Suite struct IncomingActionTests {
    @Test func everyActionACentralSystemSendsHasAHome() {
        // The security extension's actions get NotImplemented before they reach Actions/ until
        // their handling comes (Operators+Calls.swift).
        let incoming = OCPPAction.allCases.filter { $0.isSentByCentralSystem && !Operators.unhandledSecurityActions.contains($0) }
        #expect(incoming.filter { $0.profile != .security }.count == 19)
        #expect(incoming.contains(.signedUpdateFirmware))
        #expect(incoming.contains(.certificateSigned))
        for action in [OCPPAction.installCertificate, .deleteCertificate, .getInstalledCertificateIds] {
            #expect(incoming.contains(action))
        }
        #expect(incoming.contains(.getLog) && incoming.contains(.extendedTriggerMessage))
        for action in incoming {
            #expect(action.requestType is any IncomingAction.Type, "\(action.rawValue) has no home in Actions/")
        }
    }

    /// The security extension's CALLs not handled yet, valid or not, in either direction,
    /// get the answer they got before their messages were known: NotImplemented.
    @Test func securityExtensionCallsAreStillNotImplemented() async throws {
        let rig = try await OperatorsRig([("home", .home), ("dc", .dataControl)])
        #expect(await rig.waitUntilRegistered(["home", "dc"]))
        let calls = [
            #"[2,"s3","ExtendedTriggerMessage",{"requestedMessage":"Heartbeat"}]"#,
            #"[2,"s5","GetLog",{"logType":"SecurityLog","requestId":1,"log":{"remoteLocation":"ftp://x/"}}]"#,
            #"[2,"s9","SecurityEventNotification",{"type":"StartupOfTheDevice","timestamp":"2026-12-01T00:00:00Z"}]"#,
            #"[2,"s10","SignCertificate",{}]"#,
        ]
        for text in calls {
            guard case .call(let call) = try Frame.parse(text) else {
                Issue.record("not a CALL: \(text)")
                continue
            }
            guard let action = OCPPAction(name: call.action), Operators.unhandledSecurityActions.contains(action) else { continue }
            for name in ["home", "dc"] {
                let answer = await rig.operators.answer(call, from: name)
                #expect(answer == .callError(CallError(messageId: call.messageId, errorCode: .notImplemented, errorDescription: "unknown action '\(call.action)'")), "\(text)")
            }
        }
        await rig.cleanUp()
    }
}
