import Foundation
import Testing

@testable import OCPP16

/// The security extension's payloads refused the way the official schemas
/// refuse them, each with the CALLERROR code that says why, and the field.
@Suite struct SecurityExtensionMessageTests {
    struct Bad: CustomStringConvertible, Sendable {
        /// The schema that judges the payload: an action, or an action + "Response".
        var schema: String
        var payload: String
        var code: OCPPErrorCode
        /// Where the error is, as the refusal names it.
        var field: String
        /// Whether the Python side judges it too: it does not check formats such as date-time.
        var schemaJudges = true

        var description: String { "\(schema) \(payload.prefix(70))" }
    }

    static func text(_ count: Int, _ letter: String = "x") -> String { String(repeating: letter, count: count) }

    static let hashes = #"{"hashAlgorithm":"SHA256","issuerNameHash":"aa","issuerKeyHash":"bb","serialNumber":"01"}"#
    static let firmware = #"{"location":"https://fw.example/f.bin","retrieveDateTime":"2026-12-01T00:00:00Z","signingCertificate":"PEM","signature":"SIG"}"#

    static let bad: [Bad] = [
        // Missing required members.
        Bad(schema: "CertificateSigned", payload: "{}", code: .occurenceConstraintViolation, field: "certificateChain"),
        Bad(schema: "DeleteCertificate", payload: #"{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"aa","issuerKeyHash":"bb"}}"#, code: .occurenceConstraintViolation, field: "certificateHashData.serialNumber"),
        Bad(schema: "ExtendedTriggerMessage", payload: #"{"connectorId":1}"#, code: .occurenceConstraintViolation, field: "requestedMessage"),
        Bad(schema: "GetInstalledCertificateIds", payload: "{}", code: .occurenceConstraintViolation, field: "certificateType"),
        Bad(schema: "GetLog", payload: #"{"logType":"SecurityLog","requestId":1,"log":{}}"#, code: .occurenceConstraintViolation, field: "log.remoteLocation"),
        Bad(schema: "GetLog", payload: #"{"logType":"SecurityLog","log":{"remoteLocation":"ftp://x/"}}"#, code: .occurenceConstraintViolation, field: "requestId"),
        Bad(schema: "InstallCertificate", payload: #"{"certificateType":"ManufacturerRootCertificate"}"#, code: .occurenceConstraintViolation, field: "certificate"),
        Bad(schema: "SignedUpdateFirmware", payload: #"{"requestId":1,"firmware":{"location":"https://fw.example/f.bin","retrieveDateTime":"2026-12-01T00:00:00Z","signingCertificate":"PEM"}}"#, code: .occurenceConstraintViolation, field: "firmware.signature"),
        Bad(schema: "SignedUpdateFirmware", payload: #"{"firmware":\#(firmware)}"#, code: .occurenceConstraintViolation, field: "requestId"),
        Bad(schema: "LogStatusNotification", payload: #"{"requestId":3}"#, code: .occurenceConstraintViolation, field: "status"),
        Bad(schema: "SecurityEventNotification", payload: #"{"type":"StartupOfTheDevice"}"#, code: .occurenceConstraintViolation, field: "timestamp"),
        Bad(schema: "SignCertificate", payload: "{}", code: .occurenceConstraintViolation, field: "csr"),
        Bad(schema: "SignedFirmwareStatusNotification", payload: #"{"requestId":3}"#, code: .occurenceConstraintViolation, field: "status"),
        Bad(schema: "CertificateSignedResponse", payload: "{}", code: .occurenceConstraintViolation, field: "status"),
        Bad(schema: "GetLogResponse", payload: #"{"filename":"log.tar"}"#, code: .occurenceConstraintViolation, field: "status"),
        // Wrong types.
        Bad(schema: "CertificateSigned", payload: #"{"certificateChain":["PEM"]}"#, code: .typeConstraintViolation, field: "certificateChain"),
        Bad(schema: "ExtendedTriggerMessage", payload: #"{"requestedMessage":"Heartbeat","connectorId":"1"}"#, code: .typeConstraintViolation, field: "connectorId"),
        Bad(schema: "GetLog", payload: #"{"logType":"SecurityLog","requestId":1.5,"log":{"remoteLocation":"ftp://x/"}}"#, code: .typeConstraintViolation, field: "requestId"),
        Bad(schema: "GetLog", payload: #"{"logType":"SecurityLog","requestId":1,"log":"ftp://x/"}"#, code: .typeConstraintViolation, field: "log"),
        Bad(schema: "DeleteCertificate", payload: #"{"certificateHashData":[\#(hashes)]}"#, code: .typeConstraintViolation, field: "certificateHashData"),
        Bad(schema: "SignedUpdateFirmware", payload: #"{"requestId":1,"retries":true,"firmware":\#(firmware)}"#, code: .typeConstraintViolation, field: "retries"),
        Bad(schema: "SecurityEventNotification", payload: #"{"type":7,"timestamp":"2026-12-01T00:00:00Z"}"#, code: .typeConstraintViolation, field: "type"),
        Bad(schema: "LogStatusNotification", payload: #"{"status":"Uploading","requestId":"3"}"#, code: .typeConstraintViolation, field: "requestId"),
        Bad(schema: "GetInstalledCertificateIdsResponse", payload: #"{"status":"Accepted","certificateHashData":\#(hashes)}"#, code: .typeConstraintViolation, field: "certificateHashData"),
        // Over-long strings: one character beyond each limit.
        Bad(schema: "CertificateSigned", payload: #"{"certificateChain":"\#(text(10_001))"}"#, code: .propertyConstraintViolation, field: "certificateChain"),
        Bad(schema: "InstallCertificate", payload: #"{"certificateType":"CentralSystemRootCertificate","certificate":"\#(text(5501))"}"#, code: .propertyConstraintViolation, field: "certificate"),
        Bad(schema: "SignCertificate", payload: #"{"csr":"\#(text(5501))"}"#, code: .propertyConstraintViolation, field: "csr"),
        Bad(schema: "DeleteCertificate", payload: #"{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"\#(text(129))","issuerKeyHash":"bb","serialNumber":"01"}}"#, code: .propertyConstraintViolation, field: "certificateHashData.issuerNameHash"),
        Bad(schema: "DeleteCertificate", payload: #"{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"aa","issuerKeyHash":"\#(text(129))","serialNumber":"01"}}"#, code: .propertyConstraintViolation, field: "certificateHashData.issuerKeyHash"),
        Bad(schema: "DeleteCertificate", payload: #"{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"aa","issuerKeyHash":"bb","serialNumber":"\#(text(41))"}}"#, code: .propertyConstraintViolation, field: "certificateHashData.serialNumber"),
        Bad(schema: "GetLog", payload: #"{"logType":"DiagnosticsLog","requestId":1,"log":{"remoteLocation":"\#(text(513))"}}"#, code: .propertyConstraintViolation, field: "log.remoteLocation"),
        Bad(schema: "SignedUpdateFirmware", payload: #"{"requestId":1,"firmware":{"location":"\#(text(513))","retrieveDateTime":"2026-12-01T00:00:00Z","signingCertificate":"PEM","signature":"SIG"}}"#, code: .propertyConstraintViolation, field: "firmware.location"),
        Bad(schema: "SignedUpdateFirmware", payload: #"{"requestId":1,"firmware":{"location":"https://fw.example/f.bin","retrieveDateTime":"2026-12-01T00:00:00Z","signingCertificate":"\#(text(5501))","signature":"SIG"}}"#, code: .propertyConstraintViolation, field: "firmware.signingCertificate"),
        Bad(schema: "SignedUpdateFirmware", payload: #"{"requestId":1,"firmware":{"location":"https://fw.example/f.bin","retrieveDateTime":"2026-12-01T00:00:00Z","signingCertificate":"PEM","signature":"\#(text(801))"}}"#, code: .propertyConstraintViolation, field: "firmware.signature"),
        Bad(schema: "SecurityEventNotification", payload: #"{"type":"\#(text(51))","timestamp":"2026-12-01T00:00:00Z"}"#, code: .propertyConstraintViolation, field: "type"),
        Bad(schema: "SecurityEventNotification", payload: #"{"type":"StartupOfTheDevice","timestamp":"2026-12-01T00:00:00Z","techInfo":"\#(text(256, "é"))"}"#, code: .propertyConstraintViolation, field: "techInfo"),
        Bad(schema: "GetLogResponse", payload: #"{"status":"Accepted","filename":"\#(text(256))"}"#, code: .propertyConstraintViolation, field: "filename"),
        // Values no enumeration has.
        Bad(schema: "ExtendedTriggerMessage", payload: #"{"requestedMessage":"DiagnosticsStatusNotification"}"#, code: .propertyConstraintViolation, field: "requestedMessage"),
        Bad(schema: "GetInstalledCertificateIds", payload: #"{"certificateType":"V2GRootCertificate"}"#, code: .propertyConstraintViolation, field: "certificateType"),
        Bad(schema: "InstallCertificate", payload: #"{"certificateType":"centralSystemRootCertificate","certificate":"PEM"}"#, code: .propertyConstraintViolation, field: "certificateType"),
        Bad(schema: "DeleteCertificate", payload: #"{"certificateHashData":{"hashAlgorithm":"MD5","issuerNameHash":"aa","issuerKeyHash":"bb","serialNumber":"01"}}"#, code: .propertyConstraintViolation, field: "certificateHashData.hashAlgorithm"),
        Bad(schema: "GetLog", payload: #"{"logType":"AuditLog","requestId":1,"log":{"remoteLocation":"ftp://x/"}}"#, code: .propertyConstraintViolation, field: "logType"),
        Bad(schema: "LogStatusNotification", payload: #"{"status":"Done"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "SignedFirmwareStatusNotification", payload: #"{"status":"Verified"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "CertificateSignedResponse", payload: #"{"status":"Failed"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "DeleteCertificateResponse", payload: #"{"status":"Rejected"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "ExtendedTriggerMessageResponse", payload: #"{"status":"Unknown"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "GetInstalledCertificateIdsResponse", payload: #"{"status":"Rejected"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "GetLogResponse", payload: #"{"status":"Canceled"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "InstallCertificateResponse", payload: #"{"status":"NotFound"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "SignCertificateResponse", payload: #"{"status":"Pending"}"#, code: .propertyConstraintViolation, field: "status"),
        Bad(schema: "SignedUpdateFirmwareResponse", payload: #"{"status":"InvalidSignature"}"#, code: .propertyConstraintViolation, field: "status"),
        // Other constraints of the schemas.
        Bad(schema: "SecurityEventNotification", payload: #"{"type":"StartupOfTheDevice","timestamp":"yesterday"}"#, code: .propertyConstraintViolation, field: "timestamp", schemaJudges: false),
        Bad(schema: "GetInstalledCertificateIdsResponse", payload: #"{"status":"Accepted","certificateHashData":[]}"#, code: .propertyConstraintViolation, field: "certificateHashData"),
    ]

    /// A request decoded as the agent receives it: a Central System's
    /// through the charge point's door, a charge point's through the Central
    /// System's. A confirmation decoded as its type.
    static func decode(_ bad: Bad) -> (code: OCPPErrorCode, reason: String)? {
        let isResponse = bad.schema.hasSuffix("Response")
        let actionName = isResponse ? String(bad.schema.dropLast("Response".count)) : bad.schema
        guard let action = OCPPAction(name: actionName) else { return (.genericError, "no action \(actionName)") }
        if isResponse {
            do {
                _ = try decodeResponse(action.responseType, bad.payload)
                return nil
            } catch {
                return (error.code, error.description)
            }
        }
        guard case .call(let call)? = try? Frame.parse(#"[2,"m1","\#(actionName)",\#(bad.payload)]"#) else {
            return (.genericError, "not a CALL")
        }
        do {
            _ = try call.validatedRequest(receivedBy: action.isSentByChargePoint ? .centralSystem : .chargePoint)
            return nil
        } catch {
            #expect(error.reply?.messageId == "m1")
            return (error.code, error.reason)
        }
    }

    static func decodeResponse<M: OCPPMessage>(_ type: M.Type, _ text: String) throws(PayloadError) -> M {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw PayloadError(code: .formationViolation, field: "", reason: "\(error)")
        }
        return try PayloadCoding.decode(type, from: value)
    }

    @Test(arguments: bad)
    func refusedWithTheRightCodeAndField(_ bad: Bad) {
        guard let refusal = Self.decode(bad) else {
            Issue.record("accepted \(bad)")
            return
        }
        #expect(refusal.code == bad.code, "\(bad): \(refusal.reason)")
        #expect(refusal.reason.contains(bad.field), "\(bad): \(refusal.reason)")
    }

    /// Each payload above is one the official schema refuses too, so the
    /// table tests the schema's rules and not ours.
    @Test func theSchemasRefuseEveryOneOfThem() throws {
        let directory = try PythonPeer.temporaryDirectory("security-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, bad) in Self.bad.enumerated() where bad.schemaJudges {
            try Data(bad.payload.utf8).write(to: directory.appendingPathComponent("\(bad.schema).\(index).json"))
        }
        let verdict = try PythonPeer.run("schema_check.py", ["validate", directory.path])
        #expect(verdict.status != 0)
        for (index, bad) in Self.bad.enumerated() where bad.schemaJudges {
            #expect(verdict.output.contains("VIOLATION \(bad.schema).\(index).json"), "the schema accepts \(bad)")
        }
    }

    /// Each limit is the schema's to the character: a string of exactly the
    /// maximum length is taken, and the one beyond is refused above.
    @Test func stringsOfExactlyTheMaximumLengthAreTaken() throws {
        let frames = [
            #"[2,"a","CertificateSigned",{"certificateChain":"\#(Self.text(10_000))"}]"#,
            #"[2,"b","InstallCertificate",{"certificateType":"ManufacturerRootCertificate","certificate":"\#(Self.text(5500, "é"))"}]"#,
            #"[2,"c","DeleteCertificate",{"certificateHashData":{"hashAlgorithm":"SHA384","issuerNameHash":"\#(Self.text(128))","issuerKeyHash":"\#(Self.text(128))","serialNumber":"\#(Self.text(40))"}}]"#,
            #"[2,"d","SignedUpdateFirmware",{"requestId":1,"firmware":{"location":"\#(Self.text(512))","retrieveDateTime":"2026-12-01T00:00:00Z","signingCertificate":"\#(Self.text(5500))","signature":"\#(Self.text(800))"}}]"#,
            #"[2,"e","GetLog",{"logType":"DiagnosticsLog","requestId":1,"log":{"remoteLocation":"\#(Self.text(512))"}}]"#,
        ]
        for text in frames {
            guard case .call(let call) = try Frame.parse(text) else {
                Issue.record("not a CALL")
                continue
            }
            _ = try call.validatedRequest(receivedBy: .chargePoint)
        }
        let event = try Self.decodeResponse(
            SecurityEventNotificationRequest.self, #"{"type":"\#(Self.text(50))","timestamp":"2026-12-01T00:00:00Z","techInfo":"\#(Self.text(255))"}"#)
        #expect(event.techInfo?.value.count == 255)
        let csr = try Self.decodeResponse(SignCertificateRequest.self, #"{"csr":"\#(Self.text(5500))"}"#)
        #expect(csr.csr.value.count == 5500)
    }

    /// Hand-built values read back as themselves.
    @Test func handBuiltMessagesReadBackUnchanged() throws {
        for (name, payload) in SchemaConformanceTests.securityExtension {
            let isResponse = name.hasSuffix("Response")
            let action = try #require(OCPPAction(name: isResponse ? String(name.dropLast("Response".count)) : name))
            let type: any OCPPMessage.Type = isResponse ? action.responseType : action.requestType
            let again = try SchemaConformanceTests.roundTrip(type, payload)
            #expect(again == payload, "\(name)")
        }
    }

    @Test func directionsAndGroups() {
        let extensionActions = OCPPAction.allCases.filter { $0.profile == .security }
        #expect(Set(extensionActions.filter(\.isSentByCentralSystem).map(\.rawValue)) == [
            "CertificateSigned", "DeleteCertificate", "ExtendedTriggerMessage", "GetInstalledCertificateIds", "GetLog",
            "InstallCertificate", "SignedUpdateFirmware",
        ])
        #expect(Set(extensionActions.filter(\.isSentByChargePoint).map(\.rawValue)) == [
            "LogStatusNotification", "SecurityEventNotification", "SignCertificate", "SignedFirmwareStatusNotification",
        ])
        // Neither the existing 28 actions nor the profiles a charger reports change.
        #expect(OCPPAction.allCases.count(where: { $0.profile != .security }) == 28)
    }

    @Test func aChargePointRequestSentToAChargePointIsNotSupported() throws {
        guard case .call(let call) = try Frame.parse(#"[2,"1","SecurityEventNotification",{"type":"x","timestamp":"2026-12-01T00:00:00Z"}]"#) else { return }
        #expect(try call.validatedRequest(receivedBy: .centralSystem) is SecurityEventNotificationRequest)
        do {
            _ = try call.validatedRequest(receivedBy: .chargePoint)
            Issue.record("accepted by a charge point")
        } catch {
            #expect(error.code == .notSupported)
        }
    }
}
