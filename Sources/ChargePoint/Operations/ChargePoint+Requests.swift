import OCPP16

/// Who sent a request, as far as the charge point needs to know.
public struct RequestOrigin: Sendable, Equatable {
    /// The operator's name (nil: the local CLI or a test).
    public var operatorName: String?
    public init(operatorName: String?) { self.operatorName = operatorName }
}

/// Incoming requests from an operator, already allowed by the permission
/// table of the operators layer. One function per action, each in the file
/// named after it.
extension ChargePoint {
    /// Answers one request. Actions the operators layer answers itself
    /// (DataTransfer for the operator list, BootNotification triggers) never
    /// reach here.
    public func respond(to request: any OCPPRequest, from origin: RequestOrigin, now: OCPPDateTime) async -> any OCPPMessage {
        let name = origin.operatorName
        switch request {
        case let request as RemoteStartTransactionRequest:
            return RemoteStartTransactionResponse(status: await remoteStart(request, from: origin, now: now))
        case let request as RemoteStopTransactionRequest:
            return RemoteStopTransactionResponse(status: await remoteStop(ref: Int64(request.transactionId), now: now))
        case let request as ResetRequest:
            return ResetResponse(status: await reset(request.type, now: now))
        case let request as UnlockConnectorRequest:
            return UnlockConnectorResponse(status: await unlock(connector: request.connectorId, now: now))
        case let request as ChangeAvailabilityRequest:
            return ChangeAvailabilityResponse(status: await changeAvailability(request, now: now))
        case let request as ChangeConfigurationRequest:
            return ChangeConfigurationResponse(status: configuration.change(request, by: name))
        case let request as GetConfigurationRequest:
            return configuration.get(request, for: name)
        case is ClearCacheRequest:
            caches[name ?? "", default: AuthorizationCache()].clear()
            saveAuthState(for: name ?? "")
            return ClearCacheResponse(status: .accepted)
        case let request as SendLocalListRequest:
            return SendLocalListResponse(status: sendLocalList(request, for: name ?? ""))
        case is GetLocalListVersionRequest:
            let enabled = configuration.boolean("LocalAuthListEnabled")
            return GetLocalListVersionResponse(listVersion: enabled ? (localLists[name ?? ""]?.version ?? 0) : -1)
        case let request as ReserveNowRequest:
            return ReserveNowResponse(status: await reserveNow(request, by: name, now: now))
        case let request as CancelReservationRequest:
            return CancelReservationResponse(status: await cancelReservation(request, now: now))
        case let request as TriggerMessageRequest:
            return TriggerMessageResponse(status: await trigger(request, for: name, now: now))
        case let request as SetChargingProfileRequest:
            return SetChargingProfileResponse(status: setChargingProfile(request, for: name ?? "", now: now))
        case let request as ClearChargingProfileRequest:
            return ClearChargingProfileResponse(status: clearChargingProfile(request, for: name ?? "", now: now))
        case let request as GetCompositeScheduleRequest:
            return compositeSchedule(request, for: name ?? "", now: now)
        case let request as DataTransferRequest:
            _ = request
            return DataTransferResponse(status: .unknownVendorId)
        case let request as GetDiagnosticsRequest:
            return getDiagnostics(request, from: name, now: now)
        case let request as UpdateFirmwareRequest:
            await updateFirmware(request, from: name)
            return UpdateFirmwareResponse()
        default:
            return DataTransferResponse(status: .rejected)
        }
    }

    func sendLocalList(_ request: SendLocalListRequest, for operatorName: String) -> UpdateStatus {
        guard configuration.boolean("LocalAuthListEnabled") else { return .notSupported }
        var list = localLists[operatorName] ?? LocalAuthList()
        let status = list.apply(
            request, maximumLength: configuration.integer("LocalAuthListMaxLength"),
            maximumPerMessage: configuration.integer("SendLocalListMaxLength"))
        if status == .accepted {
            localLists[operatorName] = list
            saveAuthState(for: operatorName)
        }
        return status
    }

    /// Local lists and caches live in the store as JSON, one entry each per operator.
    func saveAuthState(for operatorName: String) {
        if let list = localLists[operatorName] {
            let text = String(decoding: PayloadCoding.encodedBytes(list), as: UTF8.self)
            persist("a local list") { try persistence?.set(namespace: "auth/list", key: operatorName, value: text) }
        }
        if let cache = caches[operatorName] {
            let text = String(decoding: PayloadCoding.encodedBytes(cache), as: UTF8.self)
            persist("an authorization cache") { try persistence?.set(namespace: "auth/cache", key: operatorName, value: text) }
        }
    }

    /// Loads every operator's local list and cache, and the reservations.
    public func loadState() {
        for (name, text) in (try? persistence?.all(namespace: "auth/list")) ?? [:] {
            if let json = try? JSONParser.parse(text), let list = try? PayloadCoding.decode(LocalAuthList.self, from: json) {
                localLists[name] = list
            }
        }
        for (name, text) in (try? persistence?.all(namespace: "auth/cache")) ?? [:] {
            if let json = try? JSONParser.parse(text), let cache = try? PayloadCoding.decode(AuthorizationCache.self, from: json) {
                caches[name] = cache
            }
        }
        loadReservations()
        loadProfiles()
        loadFirmware()
    }
}
