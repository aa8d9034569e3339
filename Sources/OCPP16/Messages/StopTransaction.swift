public enum StopReason: String, StringEnum, CaseIterable {
    case emergencyStop = "EmergencyStop"
    case evDisconnected = "EVDisconnected"
    case hardReset = "HardReset"
    case local = "Local"
    case other = "Other"
    case powerLoss = "PowerLoss"
    case reboot = "Reboot"
    case remote = "Remote"
    case softReset = "SoftReset"
    case unlockCommand = "UnlockCommand"
    case deAuthorized = "DeAuthorized"
}

/// StopTransaction.req: a transaction ended. `reason` absent means Local.
public struct StopTransactionRequest: OCPPRequest {
    public typealias Response = StopTransactionResponse
    public static var action: OCPPAction { .stopTransaction }
    public var idTag: IdToken?
    /// Energy register at the end, in Wh.
    public var meterStop: Int
    public var timestamp: OCPPDateTime
    public var transactionId: Int
    public var reason: StopReason?
    public var transactionData: [MeterValue]?

    public init(
        idTag: IdToken? = nil, meterStop: Int, timestamp: OCPPDateTime, transactionId: Int,
        reason: StopReason? = nil, transactionData: [MeterValue]? = nil
    ) {
        self.idTag = idTag
        self.meterStop = meterStop
        self.timestamp = timestamp
        self.transactionId = transactionId
        self.reason = reason
        self.transactionData = transactionData
    }
}

extension StopTransactionRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        idTag = try object.optional("idTag")
        meterStop = try object.required("meterStop")
        timestamp = try object.required("timestamp")
        transactionId = try object.required("transactionId")
        reason = try object.optional("reason")
        transactionData = try object.optional("transactionData")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("idTag", idTag)
            object.member("meterStop", meterStop)
            object.member("timestamp", timestamp)
            object.member("transactionId", transactionId)
            object.member("reason", reason)
            object.member("transactionData", transactionData)
        }
    }
}

public struct StopTransactionResponse: OCPPMessage {
    public var idTagInfo: IdTagInfo?
    public init(idTagInfo: IdTagInfo? = nil) { self.idTagInfo = idTagInfo }
}

extension StopTransactionResponse {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        idTagInfo = try object.optional("idTagInfo")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("idTagInfo", idTagInfo)
        }
    }
}
