import ChargePoint
import OCPP16

/// UpdateFirmware: any operator; nothing restarts the charger while a transaction runs.
extension UpdateFirmwareRequest: IncomingAction {}
