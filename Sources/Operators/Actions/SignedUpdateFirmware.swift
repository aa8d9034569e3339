import ChargePoint
import OCPP16

/// SignedUpdateFirmware: any operator; the file is installed only once verified and never
/// while a transaction runs. Its statuses go to the requester.
extension SignedUpdateFirmwareRequest: IncomingAction {}
