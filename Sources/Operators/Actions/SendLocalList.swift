import ChargePoint
import OCPP16

/// SendLocalList: any operator, its own list (consulted only while it is the authority).
extension SendLocalListRequest: IncomingAction {}
