import ChargePoint
import OCPP16

/// GetConfiguration: any operator; per-connection keys show its own values.
extension GetConfigurationRequest: IncomingAction {}
