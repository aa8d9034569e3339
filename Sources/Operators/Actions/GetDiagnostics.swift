import ChargePoint
import OCPP16

/// GetDiagnostics: any operator.
extension GetDiagnosticsRequest: IncomingAction {}
