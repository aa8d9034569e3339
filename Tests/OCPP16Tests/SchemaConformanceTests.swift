import Foundation
import Testing

@testable import OCPP16

/// Every payload type of the 28 actions and of the security extension's 11,
/// both directions, judged by the official OCPP 1.6 JSON schemas through
/// Python's `jsonschema`.
@Suite struct SchemaConformanceTests {
    /// Schema-valid samples of every request and confirmation (made by the
    /// Python side from the schemas, using every enum value) decode into our
    /// types, and what we encode from them is schema-valid and says the same.
    @Test func everyPayloadRoundTripsAndStaysSchemaValid() throws {
        let samples = try PythonPeer.temporaryDirectory("samples")
        let ours = try PythonPeer.temporaryDirectory("encoded")
        defer {
            try? FileManager.default.removeItem(at: samples)
            try? FileManager.default.removeItem(at: ours)
        }
        let generated = try PythonPeer.run("schema_check.py", ["samples", samples.path])
        try #require(generated.status == 0, "sample generation failed: \(generated.output)")

        let files = try FileManager.default.contentsOfDirectory(atPath: samples.path).sorted()
        var covered = Set<String>()
        for file in files where file.hasSuffix(".json") {
            let schemaName = String(file.prefix { $0 != "." })
            let isResponse = schemaName.hasSuffix("Response")
            let actionName = isResponse ? String(schemaName.dropLast("Response".count)) : schemaName
            let action = try #require(OCPPAction(rawValue: actionName), "no action for \(file)")
            let type: any OCPPMessage.Type = isResponse ? action.responseType : action.requestType

            let text = try String(contentsOf: samples.appendingPathComponent(file), encoding: .utf8)
            let original = try JSONParser.parse(text)
            let encoded: JSONValue
            do {
                encoded = try Self.roundTrip(type, original)
            } catch {
                Issue.record("\(file): our decoder refused a schema-valid payload: \(error)")
                continue
            }
            #expect(Self.sameMeaning(original, encoded), "\(file): \(JSONWriter.string(encoded)) differs from \(text)")
            try Data(JSONWriter.serialize(encoded)).write(to: ours.appendingPathComponent(file))
            covered.insert(schemaName)
        }

        for action in OCPPAction.allCases {
            #expect(covered.contains(action.rawValue), "no request sample for \(action.rawValue)")
            #expect(covered.contains(action.rawValue + "Response"), "no confirmation sample for \(action.rawValue)")
        }
        #expect(covered.count == 78)

        let verdict = try PythonPeer.run("schema_check.py", ["validate", ours.path])
        #expect(verdict.status == 0, "schema violations in what we encode:\n\(verdict.output)")
    }

    /// Hand-built values through the public initializers, with every optional
    /// field filled, are schema-valid too.
    @Test func handBuiltMessagesAreSchemaValid() throws {
        let directory = try PythonPeer.temporaryDirectory("handbuilt")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, (name, payload)) in Self.handBuilt.enumerated() {
            try Data(JSONWriter.serialize(payload)).write(to: directory.appendingPathComponent("\(name).\(index).json"))
        }
        let names = Set(Self.securityExtension.map(\.0))
        for action in OCPPAction.allCases where action.profile == .security {
            #expect(names.contains(action.rawValue) && names.contains(action.rawValue + "Response"), "\(action.rawValue) not hand-built")
        }
        let verdict = try PythonPeer.run("schema_check.py", ["validate", directory.path])
        #expect(verdict.status == 0, "schema violations:\n\(verdict.output)")
    }

    static func roundTrip<T: OCPPMessage>(_ type: T.Type, _ value: JSONValue) throws -> JSONValue {
        PayloadCoding.encode(try PayloadCoding.decode(type, from: value))
    }

    /// Equal as JSON documents: member order and 17 versus 17.0 do not matter.
    static func sameMeaning(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return a == b
        case (.integer, .double), (.double, .integer), (.double, .double):
            return abs(number(lhs) - number(rhs)) < 1e-9
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy(sameMeaning)
        case (.object(let a), .object(let b)):
            return a.members.count == b.members.count
                && a.members.allSatisfy { member in b[member.key].map { sameMeaning(member.value, $0) } ?? false }
        default:
            return lhs == rhs
        }
    }

    static func number(_ value: JSONValue) -> Double {
        switch value {
        case .integer(let n): Double(n)
        case .double(let d): d
        default: .nan
        }
    }

    static let time = OCPPDateTime(millisecondsSince1970: 1_795_000_000_123)

    static var handBuilt: [(String, JSONValue)] {
        let profile = ChargingProfile(
            chargingProfileId: 7, transactionId: 42, stackLevel: 2, chargingProfilePurpose: .txProfile,
            chargingProfileKind: .recurring, recurrencyKind: .daily, validFrom: time, validTo: time.adding(seconds: 86_400),
            chargingSchedule: ChargingSchedule(
                duration: 86_400, startSchedule: time, chargingRateUnit: .amperes,
                chargingSchedulePeriod: (0..<24).map { ChargingSchedulePeriod(startPeriod: $0 * 3600, limit: ChargingRate(6.3 + Double($0)), numberPhases: 3) },
                minChargingRate: 6.1))
        let sample = SampledValue(
            value: "1234.5", context: .samplePeriodic, format: .raw, measurand: .energyActiveImportRegister,
            phase: .l1N, location: .outlet, unit: .kWh)
        let meterValue = MeterValue(timestamp: time, sampledValue: [sample])
        let info = IdTagInfo(status: .accepted, expiryDate: time, parentIdTag: "PARENT-1")
        return [
            ("SetChargingProfile", PayloadCoding.encode(SetChargingProfileRequest(connectorId: 1, csChargingProfiles: profile))),
            ("RemoteStartTransaction", PayloadCoding.encode(RemoteStartTransactionRequest(connectorId: 1, idTag: "04A2B3C4", chargingProfile: profile))),
            ("GetCompositeScheduleResponse", PayloadCoding.encode(GetCompositeScheduleResponse(status: .accepted, connectorId: 1, scheduleStart: time, chargingSchedule: profile.chargingSchedule))),
            ("MeterValues", PayloadCoding.encode(MeterValuesRequest(connectorId: 1, transactionId: 9, meterValue: [meterValue]))),
            ("StopTransaction", PayloadCoding.encode(StopTransactionRequest(idTag: "04A2B3C4", meterStop: 12_000, timestamp: time, transactionId: 9, reason: .evDisconnected, transactionData: [meterValue]))),
            ("StartTransaction", PayloadCoding.encode(StartTransactionRequest(connectorId: 1, idTag: "04A2B3C4", meterStart: 0, reservationId: 3, timestamp: time))),
            ("StartTransactionResponse", PayloadCoding.encode(StartTransactionResponse(idTagInfo: info, transactionId: 9))),
            ("BootNotification", PayloadCoding.encode(BootNotificationRequest(chargePointVendor: "Chargeplex", chargePointModel: "CPX-2", chargePointSerialNumber: "SN-1", chargeBoxSerialNumber: "BOX-1", firmwareVersion: "0.1.0", iccid: "8931", imsi: "2040", meterType: "S0", meterSerialNumber: "M-1"))),
            ("StatusNotification", PayloadCoding.encode(StatusNotificationRequest(connectorId: 1, errorCode: .powerSwitchFailure, info: "relay feedback", status: .faulted, timestamp: time, vendorId: "Chargeplex", vendorErrorCode: "RELAY"))),
            ("SendLocalList", PayloadCoding.encode(SendLocalListRequest(listVersion: 3, localAuthorizationList: [AuthorizationData(idTag: "A", idTagInfo: info), AuthorizationData(idTag: "B")], updateType: .differential))),
            ("GetConfigurationResponse", PayloadCoding.encode(GetConfigurationResponse(configurationKey: [KeyValue(key: "HeartbeatInterval", readonly: false, value: "300")], unknownKey: ["Nope"]))),
            ("DataTransfer", PayloadCoding.encode(DataTransferRequest(vendorId: "com.chargeplex", messageId: "GetOperators", data: #"{"version":1}"#))),
        ] + securityExtension
    }

    /// The security extension's payloads with every optional member, and
    /// every bounded string at its full length.
    static var securityExtension: [(String, JSONValue)] {
        func full<Limit>(_ letter: Character) -> BoundedString<Limit> {
            BoundedString(truncating: String(repeating: letter, count: Limit.maximumLength))
        }
        let hashes = CertificateHashData(hashAlgorithm: .sha512, issuerNameHash: full("a"), issuerKeyHash: full("b"), serialNumber: full("c"))
        let firmware = SignedFirmware(
            location: full("l"), retrieveDateTime: time, installDateTime: time.adding(seconds: 3600),
            signingCertificate: full("p"), signature: full("s"))
        return [
            ("CertificateSigned", PayloadCoding.encode(CertificateSignedRequest(certificateChain: full("C")))),
            ("CertificateSignedResponse", PayloadCoding.encode(CertificateSignedResponse(status: .rejected))),
            ("DeleteCertificate", PayloadCoding.encode(DeleteCertificateRequest(certificateHashData: hashes))),
            ("DeleteCertificateResponse", PayloadCoding.encode(DeleteCertificateResponse(status: .notFound))),
            ("ExtendedTriggerMessage", PayloadCoding.encode(ExtendedTriggerMessageRequest(requestedMessage: .signChargePointCertificate, connectorId: 0))),
            ("ExtendedTriggerMessageResponse", PayloadCoding.encode(ExtendedTriggerMessageResponse(status: .notImplemented))),
            ("GetInstalledCertificateIds", PayloadCoding.encode(GetInstalledCertificateIdsRequest(certificateType: .manufacturerRootCertificate))),
            ("GetInstalledCertificateIdsResponse", PayloadCoding.encode(GetInstalledCertificateIdsResponse(status: .accepted, certificateHashData: [hashes, hashes]))),
            // No certificate found: the list is left out rather than sent empty.
            ("GetInstalledCertificateIdsResponse", PayloadCoding.encode(GetInstalledCertificateIdsResponse(status: .notFound))),
            ("GetLog", PayloadCoding.encode(GetLogRequest(
                log: LogParameters(remoteLocation: full("u"), oldestTimestamp: time, latestTimestamp: time.adding(seconds: 60)),
                logType: .securityLog, requestId: 12, retries: 3, retryInterval: 30))),
            ("GetLogResponse", PayloadCoding.encode(GetLogResponse(status: .acceptedCanceled, filename: full("f")))),
            ("InstallCertificate", PayloadCoding.encode(InstallCertificateRequest(certificateType: .centralSystemRootCertificate, certificate: full("P")))),
            ("InstallCertificateResponse", PayloadCoding.encode(InstallCertificateResponse(status: .failed))),
            ("LogStatusNotification", PayloadCoding.encode(LogStatusNotificationRequest(status: .uploadFailure, requestId: 12))),
            ("LogStatusNotificationResponse", PayloadCoding.encode(LogStatusNotificationResponse())),
            ("SecurityEventNotification", PayloadCoding.encode(SecurityEventNotificationRequest(type: full("T"), timestamp: time, techInfo: full("i")))),
            ("SecurityEventNotificationResponse", PayloadCoding.encode(SecurityEventNotificationResponse())),
            ("SignCertificate", PayloadCoding.encode(SignCertificateRequest(csr: full("R")))),
            ("SignCertificateResponse", PayloadCoding.encode(SignCertificateResponse(status: .accepted))),
            ("SignedFirmwareStatusNotification", PayloadCoding.encode(SignedFirmwareStatusNotificationRequest(status: .signatureVerified, requestId: 4))),
            ("SignedFirmwareStatusNotificationResponse", PayloadCoding.encode(SignedFirmwareStatusNotificationResponse())),
            ("SignedUpdateFirmware", PayloadCoding.encode(SignedUpdateFirmwareRequest(retries: 2, retryInterval: 60, requestId: 4, firmware: firmware))),
            ("SignedUpdateFirmwareResponse", PayloadCoding.encode(SignedUpdateFirmwareResponse(status: .revokedCertificate))),
        ]
    }
}
