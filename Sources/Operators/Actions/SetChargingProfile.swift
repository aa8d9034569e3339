import ChargePoint
import OCPP16

/// SetChargingProfile: any operator, into its own profiles; a TxProfile
/// names the transaction by this operator's own id.
extension SetChargingProfileRequest: IncomingAction {
    mutating func prepare(_ context: inout ActionContext) async -> SetChargingProfileResponse? {
        guard let transactionId = csChargingProfiles.transactionId else { return nil }
        guard let ref = await context.operators.knownRef(of: transactionId, for: context.entry.name), let number = Int(exactly: ref) else {
            return SetChargingProfileResponse(status: .rejected)
        }
        csChargingProfiles.transactionId = number
        return nil
    }
}
