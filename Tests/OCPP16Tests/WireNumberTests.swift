import Testing

@testable import OCPP16

/// The numbers a Central System may put in any numeric field of any CALL it
/// sends: each is read as the number it is, or refused with the OCPP-J code
/// that says why. A negative duration, count or interval means nothing and
/// is a PropertyConstraintViolation naming the field; identifiers and
/// connector numbers are read as they are and judged by the charge point.
@Suite struct WireNumberTests {
    static let boundaries = [
        "-9223372036854775808", "9223372036854775807", "-1", "0", "2147483648", "1e308", "-1e308",
    ]

    enum Kind: Sendable {
        /// Any integer a JSON number holds in 64 bits.
        case integer
        /// Seconds or attempts: 0 or more.
        case count
        /// A charging rate: a multiple of 0.1 below 10^14.
        case rate
    }

    struct Field: Sendable, CustomTestStringConvertible {
        var action: String
        /// The payload with `#` where the number goes.
        var template: String
        var path: String
        var kind: Kind
        var testDescription: String { "\(action).\(path)" }

        func frame(with number: String) -> String {
            #"[2,"n","\#(action)",\#(template.replacingOccurrences(of: "#", with: number))]"#
        }
    }

    static func profile(_ connector: String = "1", id: String = "1", transaction: String = "1", stack: String = "0",
                        duration: String = "60", start: String = "0", limit: String = "16", phases: String = "3",
                        minimum: String = "6") -> String {
        #"{"connectorId":\#(connector),"csChargingProfiles":{"chargingProfileId":\#(id),"transactionId":\#(transaction),"stackLevel":\#(stack),"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"duration":\#(duration),"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":\#(start),"limit":\#(limit),"numberPhases":\#(phases)}],"minChargingRate":\#(minimum)}}}"#
    }

    static let fields: [Field] = [
        Field(action: "ChangeAvailability", template: #"{"connectorId":#,"type":"Operative"}"#, path: "connectorId", kind: .integer),
        Field(action: "UnlockConnector", template: #"{"connectorId":#}"#, path: "connectorId", kind: .integer),
        Field(action: "TriggerMessage", template: #"{"requestedMessage":"StatusNotification","connectorId":#}"#, path: "connectorId", kind: .integer),
        Field(action: "ReserveNow", template: #"{"connectorId":#,"expiryDate":"2030-01-01T00:00:00Z","idTag":"A","reservationId":1}"#, path: "connectorId", kind: .integer),
        Field(action: "ReserveNow", template: #"{"connectorId":1,"expiryDate":"2030-01-01T00:00:00Z","idTag":"A","reservationId":#}"#, path: "reservationId", kind: .integer),
        Field(action: "CancelReservation", template: #"{"reservationId":#}"#, path: "reservationId", kind: .integer),
        Field(action: "RemoteStartTransaction", template: #"{"connectorId":#,"idTag":"A"}"#, path: "connectorId", kind: .integer),
        Field(action: "RemoteStopTransaction", template: #"{"transactionId":#}"#, path: "transactionId", kind: .integer),
        Field(action: "SendLocalList", template: #"{"listVersion":#,"updateType":"Full"}"#, path: "listVersion", kind: .integer),
        Field(action: "GetCompositeSchedule", template: #"{"connectorId":#,"duration":60}"#, path: "connectorId", kind: .integer),
        Field(action: "GetCompositeSchedule", template: #"{"connectorId":1,"duration":#}"#, path: "duration", kind: .count),
        Field(action: "ClearChargingProfile", template: #"{"id":#}"#, path: "id", kind: .integer),
        Field(action: "ClearChargingProfile", template: #"{"connectorId":#}"#, path: "connectorId", kind: .integer),
        Field(action: "ClearChargingProfile", template: #"{"stackLevel":#}"#, path: "stackLevel", kind: .integer),
        Field(action: "GetDiagnostics", template: #"{"location":"http://x/","retries":#}"#, path: "retries", kind: .count),
        Field(action: "GetDiagnostics", template: #"{"location":"http://x/","retryInterval":#}"#, path: "retryInterval", kind: .count),
        Field(action: "UpdateFirmware", template: #"{"location":"http://x/f","retrieveDate":"2030-01-01T00:00:00Z","retries":#}"#, path: "retries", kind: .count),
        Field(action: "UpdateFirmware", template: #"{"location":"http://x/f","retrieveDate":"2030-01-01T00:00:00Z","retryInterval":#}"#, path: "retryInterval", kind: .count),
        Field(action: "SetChargingProfile", template: profile("#"), path: "connectorId", kind: .integer),
        Field(action: "SetChargingProfile", template: profile(id: "#"), path: "csChargingProfiles.chargingProfileId", kind: .integer),
        Field(action: "SetChargingProfile", template: profile(transaction: "#"), path: "csChargingProfiles.transactionId", kind: .integer),
        Field(action: "SetChargingProfile", template: profile(stack: "#"), path: "csChargingProfiles.stackLevel", kind: .integer),
        Field(action: "SetChargingProfile", template: profile(duration: "#"), path: "csChargingProfiles.chargingSchedule.duration", kind: .count),
        Field(action: "SetChargingProfile", template: profile(start: "#"), path: "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].startPeriod", kind: .count),
        Field(action: "SetChargingProfile", template: profile(phases: "#"), path: "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].numberPhases", kind: .integer),
        Field(action: "SetChargingProfile", template: profile(limit: "#"), path: "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit", kind: .rate),
        Field(action: "SetChargingProfile", template: profile(minimum: "#"), path: "csChargingProfiles.chargingSchedule.minChargingRate", kind: .rate),
    ]

    /// What the decoder must make of `number` in a field of `kind`: nil to
    /// read it, else the code to refuse it with.
    static func expectedRefusal(of number: String, in kind: Kind) -> OCPPErrorCode? {
        let double = Double(number)!
        switch kind {
        case .integer:
            return number.contains("e") ? .propertyConstraintViolation : nil
        case .count:
            return number.contains("e") || double < 0 ? .propertyConstraintViolation : nil
        case .rate:
            return abs(double) >= 1e14 ? .propertyConstraintViolation : nil
        }
    }

    @Test(arguments: fields, boundaries)
    func everyNumericFieldTakesOrRefusesEveryBoundary(_ field: Field, _ number: String) throws {
        guard case .call(let call) = try Frame.parse(field.frame(with: number)) else {
            Issue.record("not a CALL")
            return
        }
        let refusal = Self.expectedRefusal(of: number, in: field.kind)
        do {
            let request = try call.validatedRequest(receivedBy: .chargePoint)
            #expect(refusal == nil, "read \(number) as \(request)")
        } catch {
            #expect(error.code == refusal, "\(error)")
            #expect(error.reason.hasPrefix(field.path + ":"), "\(error.reason)")
            #expect(error.reply?.messageId == "n")
        }
    }

    @Test func aNegativeDurationIsNamedInTheError() throws {
        guard case .call(let call) = try Frame.parse(Field(action: "SetChargingProfile", template: Self.profile(duration: "#"), path: "", kind: .count).frame(with: "-1")) else {
            Issue.record("not a CALL")
            return
        }
        do {
            _ = try call.validatedRequest(receivedBy: .chargePoint)
            Issue.record("a duration of -1 was accepted")
        } catch {
            #expect(error.code == .propertyConstraintViolation)
            #expect(error.reason == "csChargingProfiles.chargingSchedule.duration: must not be negative, found -1")
        }
    }

    @Test func ratesBuiltFromAnyDoubleStayInRange() {
        #expect(ChargingRate(6.25).tenths == 63)
        #expect(ChargingRate(1e308).tenths == 9_000_000_000_000_000_000)
        #expect(ChargingRate(-1e308).tenths == -9_000_000_000_000_000_000)
        #expect(ChargingRate(.infinity).tenths == 9_000_000_000_000_000_000)
        #expect(ChargingRate(.nan).tenths == 0)
    }

    @Test func timeRunsOutAtTheEndsOfTheClockInsteadOfOverflowing() {
        let now = OCPPDateTime(millisecondsSince1970: 1_795_000_000_000)
        #expect(now.adding(seconds: .max).millisecondsSince1970 == .max)
        #expect(now.adding(seconds: .min) < OCPPDateTime(secondsSince1970: -9_000_000_000_000_000))
        #expect(now.adding(seconds: Int64(Int32.max) + 1) > now)
        #expect(now.adding(seconds: -1).millisecondsSince1970 == 1_794_999_999_000)
        #expect(OCPPDateTime(secondsSince1970: .max).millisecondsSince1970 == .max)
        // Even such an instant can be written (its year no longer fits four digits).
        #expect(OCPPDateTime(millisecondsSince1970: .max).description.count == 24)
        #expect(OCPPDateTime(millisecondsSince1970: .min).description.count == 24)
    }
}
