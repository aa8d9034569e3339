/// CancelReservation.req: drop the reservation with this id.
public struct CancelReservationRequest: OCPPRequest {
    public typealias Response = CancelReservationResponse
    public static var action: OCPPAction { .cancelReservation }
    public var reservationId: Int
    public init(reservationId: Int) { self.reservationId = reservationId }
}

extension CancelReservationRequest {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        reservationId = try object.required("reservationId")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("reservationId", reservationId)
        }
    }
}

public struct CancelReservationResponse: StatusResponse {
    public var status: AcceptanceStatus
    public init(status: AcceptanceStatus) { self.status = status }
}
