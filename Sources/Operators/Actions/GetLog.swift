import ChargePoint
import OCPP16

/// GetLog: any operator, either log; its LogStatusNotifications go to the requester.
extension GetLogRequest: IncomingAction {}
