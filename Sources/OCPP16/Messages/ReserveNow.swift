/// ReserveNow.req: hold a connector (0: any) for `idTag` until `expiryDate`.
public struct ReserveNowRequest: OCPPRequest {
    public typealias Response = ReserveNowResponse
    public static var action: OCPPAction { .reserveNow }
    public var connectorId: Int
    public var expiryDate: OCPPDateTime
    public var idTag: IdToken
    public var parentIdTag: IdToken?
    public var reservationId: Int

    public init(
        connectorId: Int, expiryDate: OCPPDateTime, idTag: IdToken, parentIdTag: IdToken? = nil, reservationId: Int
    ) {
        self.connectorId = connectorId
        self.expiryDate = expiryDate
        self.idTag = idTag
        self.parentIdTag = parentIdTag
        self.reservationId = reservationId
    }
}

extension ReserveNowRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        connectorId = try object.required("connectorId")
        expiryDate = try object.required("expiryDate")
        idTag = try object.required("idTag")
        parentIdTag = try object.optional("parentIdTag")
        reservationId = try object.required("reservationId")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("connectorId", connectorId)
            object.member("expiryDate", expiryDate)
            object.member("idTag", idTag)
            object.member("parentIdTag", parentIdTag)
            object.member("reservationId", reservationId)
        }
    }
}

public enum ReservationStatus: String, StringEnum, CaseIterable {
    case accepted = "Accepted"
    case faulted = "Faulted"
    case occupied = "Occupied"
    case rejected = "Rejected"
    case unavailable = "Unavailable"
}

public struct ReserveNowResponse: StatusResponse {
    public var status: ReservationStatus
    public init(status: ReservationStatus) { self.status = status }
}
