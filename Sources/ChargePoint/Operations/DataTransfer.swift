import OCPP16

/// DataTransfer: the charge point knows no vendor's messages; the agent's own
/// (operator lists) are answered by the operators layer.
extension DataTransferRequest: ChargePointOperation {
    public func perform(on chargePoint: isolated ChargePoint, from origin: RequestOrigin, now: OCPPDateTime) async -> DataTransferResponse {
        DataTransferResponse(status: .unknownVendorId)
    }
}
