import Testing

@testable import OCPP16

/// What the charge point answers to each way a frame can be wrong, per the
/// OCPP-J 1.6 error codes.
@Suite struct FrameTests {
    @Test func readsACallAndItsTypedRequest() throws {
        let frame = try Frame.parse(
            #"[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]"#)
        guard case .call(let call) = frame else {
            Issue.record("expected a CALL, got \(frame)")
            return
        }
        #expect(call.messageId == "19223201")
        let request = try call.decode(BootNotificationRequest.self)
        #expect(request.chargePointVendor == "VendorX")
        #expect(request.chargePointModel.value == "SingleSocketCharger")
    }

    @Test func readsResultsAndErrors() throws {
        #expect(try Frame.parse(#"[3,"a",{"currentTime":"2026-11-25T10:00:00Z"}]"#) == .callResult(CallResult(messageId: "a", payload: JSONObject([("currentTime", "2026-11-25T10:00:00Z")]))))
        let error = try Frame.parse(#"[4,"b","NotSupported","no",{"x":1}]"#)
        #expect(error == .callError(CallError(messageId: "b", errorCode: .notSupported, errorDescription: "no", errorDetails: JSONObject([("x", 1)]))))
    }

    @Test func writesFramesCompactly() {
        let call = Call(messageId: "7", request: HeartbeatRequest())
        #expect(Frame.call(call).text == #"[2,"7","Heartbeat",{}]"#)
        let result = CallResult(messageId: "7", response: ResetResponse(status: .accepted))
        #expect(Frame.callResult(result).text == #"[3,"7",{"status":"Accepted"}]"#)
        let error = CallError(messageId: "7", errorCode: .notImplemented, errorDescription: "unknown action")
        #expect(Frame.callError(error).text == #"[4,"7","NotImplemented","unknown action",{}]"#)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var frame: String
        var code: OCPPErrorCode
        /// Whether the error is answered (the id was readable and it was a CALL).
        var answered: Bool
        var testDescription: String { frame }
    }

    static let malformed: [Case] = [
        Case(frame: "not json", code: .formationViolation, answered: false),
        Case(frame: #"{"a":1}"#, code: .formationViolation, answered: false),
        Case(frame: "[]", code: .formationViolation, answered: false),
        Case(frame: #"[2]"#, code: .formationViolation, answered: false),
        Case(frame: #"[2,17,"Heartbeat",{}]"#, code: .formationViolation, answered: false),
        Case(frame: #"[2,"1","Heartbeat",{}"#, code: .formationViolation, answered: false),
        Case(frame: #"["2","1","Heartbeat",{}]"#, code: .formationViolation, answered: true),
        Case(frame: #"[9,"1","Heartbeat",{}]"#, code: .protocolError, answered: true),
        Case(frame: #"[2,"1","Reset"]"#, code: .protocolError, answered: true),
        Case(frame: #"[2,"1","Reset",{},{}]"#, code: .formationViolation, answered: true),
        Case(frame: #"[2,"1",5,{}]"#, code: .formationViolation, answered: true),
        Case(frame: #"[2,"1","Reset",[]]"#, code: .formationViolation, answered: true),
        Case(frame: #"[3,"1"]"#, code: .formationViolation, answered: false),
        Case(frame: #"[4,"1",3]"#, code: .formationViolation, answered: false),
    ]

    @Test(arguments: malformed)
    func malformedFramesGetTheRightCode(_ testCase: Case) {
        do {
            let frame = try Frame.parse(testCase.frame)
            Issue.record("accepted \(testCase.frame) as \(frame)")
        } catch {
            #expect(error.code == testCase.code)
            #expect((error.reply != nil) == testCase.answered)
        }
    }

    static let badPayloads: [Case] = [
        Case(frame: #"[2,"1","FlyToTheMoon",{}]"#, code: .notImplemented, answered: true),
        Case(frame: #"[2,"1","BootNotification",{"chargePointVendor":"a","chargePointModel":"b"}]"#, code: .notSupported, answered: true),
        Case(frame: #"[2,"1","RemoteStopTransaction",{}]"#, code: .occurenceConstraintViolation, answered: true),
        Case(frame: #"[2,"1","RemoteStopTransaction",{"transactionId":"12"}]"#, code: .typeConstraintViolation, answered: true),
        Case(frame: #"[2,"1","RemoteStopTransaction",{"transactionId":1.5}]"#, code: .typeConstraintViolation, answered: true),
        Case(frame: #"[2,"1","RemoteStopTransaction",{"transactionId":99999999999999999999}]"#, code: .propertyConstraintViolation, answered: true),
        Case(frame: #"[2,"1","RemoteStartTransaction",{"idTag":"123456789012345678901"}]"#, code: .propertyConstraintViolation, answered: true),
        Case(frame: #"[2,"1","Reset",{"type":"Gentle"}]"#, code: .propertyConstraintViolation, answered: true),
        Case(frame: #"[2,"1","ChangeAvailability",{"connectorId":1,"type":true}]"#, code: .typeConstraintViolation, answered: true),
        Case(frame: #"[2,"1","ReserveNow",{"connectorId":1,"expiryDate":"tomorrow","idTag":"A","reservationId":1}]"#, code: .propertyConstraintViolation, answered: true),
        Case(frame: #"[2,"1","SetChargingProfile",{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":6.25}]}}}]"#, code: .propertyConstraintViolation, answered: true),
        Case(frame: #"[2,"1","SetChargingProfile",{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A"}}}]"#, code: .occurenceConstraintViolation, answered: true),
    ]

    @Test(arguments: badPayloads)
    func badPayloadsGetTheRightCode(_ testCase: Case) throws {
        guard case .call(let call) = try Frame.parse(testCase.frame) else {
            Issue.record("not a CALL")
            return
        }
        do {
            let request = try call.validatedRequest(receivedBy: .chargePoint)
            Issue.record("accepted \(testCase.frame) as \(request)")
        } catch {
            #expect(error.code == testCase.code, "\(error)")
            #expect(error.reply?.messageId == "1")
        }
    }

    @Test func theErrorNamesTheField() throws {
        guard case .call(let call) = try Frame.parse(#"[2,"x","SendLocalList",{"listVersion":1,"updateType":"Full","localAuthorizationList":[{"idTag":"A","idTagInfo":{"status":"Maybe"}}]}]"#) else {
            Issue.record("not a CALL")
            return
        }
        #expect(throws: FrameError.self) { try call.validatedRequest(receivedBy: .chargePoint) }
        do {
            _ = try call.validatedRequest(receivedBy: .chargePoint)
        } catch {
            #expect(error.reason.contains("localAuthorizationList[0].idTagInfo.status"))
            #expect(error.reason.contains("Maybe"))
        }
    }

    @Test func unknownVendorFieldsAreTolerated() throws {
        guard case .call(let call) = try Frame.parse(#"[2,"1","Reset",{"type":"Soft","vendorExtra":{"a":[1,2]}}]"#) else {
            Issue.record("not a CALL")
            return
        }
        let request = try #require(try call.validatedRequest(receivedBy: .chargePoint) as? ResetRequest)
        #expect(request.type == .soft)
    }

    @Test func aCentralSystemAcceptsOnlyChargePointRequests() throws {
        guard case .call(let call) = try Frame.parse(#"[2,"1","Heartbeat",{}]"#) else { return }
        #expect(try call.validatedRequest(receivedBy: .centralSystem) is HeartbeatRequest)
        #expect(throws: FrameError.self) { try call.validatedRequest(receivedBy: .chargePoint) }
    }
}
