import Board
import ChargePoint
import Link
import OCPP16

/// How operators hear of an external power limit (§14a EnWG): OCPP 1.6 has
/// no message for it, so a DataTransfer.req of vendorId `Chargeplex`,
/// messageId `ExternalLimit`, whose data is JSON text:
///
///     {"active":true,"source":"contact","limitW":4200}
///     {"active":false,"source":"contact"}
///
/// Sent to every operator when a limit starts, changes and ends, and on
/// every registration the current state of each source the board has, so
/// that an operator that was offline learns how things stand now (a history
/// of contact changes it missed would say nothing about the present). The
/// answer is logged whatever it is; an operator that does not know the
/// message is not an error.
enum ExternalLimitTransfer {
    static let vendorId = "com.chargeplex"
    static let messageId = "ExternalLimit"

    static func request(source: ExternalLimitSource, watts: Double?) -> DataTransferRequest {
        var members: [(key: String, value: JSONValue)] = [
            ("active", .bool(watts != nil)), ("source", .string(source.rawValue)),
        ]
        if let watts { members.append(("limitW", number(watts))) }
        return DataTransferRequest(
            vendorId: CiString255(truncating: vendorId), messageId: CiString50(truncating: messageId),
            data: JSONWriter.string(.object(JSONObject(members))))
    }

    /// Whole watts as an integer (4200, not 4200.0); a fraction as it is.
    private static func number(_ watts: Double) -> JSONValue {
        if watts == watts.rounded(), abs(watts) < 1e15 { return .integer(Int64(watts)) }
        return .double(watts)
    }
}

extension Operators {
    /// Tells `target` (nil: every operator) what `source` imposes now, after
    /// whatever each has queued before, like a status.
    func tellExternalLimit(source: ExternalLimitSource, watts: Double?, to target: String?) {
        let logger = self.logger
        post(ExternalLimitTransfer.request(source: source, watts: watts), to: target, afterQueued: true) { name, result in
            switch result {
            case .success(let response as DataTransferResponse):
                logger.info(
                    "external limit told", metadata: ["operator": "\(name)", "status": "\(response.status.rawValue)"])
            case .success:
                break
            case .failure(let error):
                logger.notice(
                    "external limit not told: no answer", metadata: ["operator": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// On registration: the state of every external limit source the board has.
    func tellExternalLimits(to name: String) async {
        for state in await chargePoint.externalLimitStates {
            tellExternalLimit(source: state.source, watts: state.watts, to: name)
        }
    }
}
