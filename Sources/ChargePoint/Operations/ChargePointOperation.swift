import OCPP16

/// Who sent a request, as far as the charge point needs to know.
public struct RequestOrigin: Sendable, Equatable {
    /// The operator's name (nil: the local CLI or a test).
    public var operatorName: String?
    public init(operatorName: String?) { self.operatorName = operatorName }
}

/// An incoming request the charge point carries out, once the operators
/// layer has allowed it (its row of the rule book) and put the charger's own
/// transaction numbers in place of the operator's ids. Each action's
/// conformance lives in the file named after the action.
public protocol ChargePointOperation: OCPPRequest {
    func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> Response
}

extension ChargePoint {
    /// Carries out one request and answers it.
    public func respond<Request: ChargePointOperation>(
        to request: Request, from origin: RequestOrigin, now: OCPPDateTime
    ) async -> Request.Response {
        await request.perform(on: self, from: origin, now: now)
    }
}
