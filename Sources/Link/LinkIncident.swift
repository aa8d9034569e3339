/// Something that went wrong on a link and that the layer above may want to record (a
/// security event), beyond the link's own log line.
public enum LinkIncident: Sendable, Equatable {
    /// A connection attempt failed, or an open connection ended, for this reason.
    case connectionEnded(LinkError)
    /// The server sent a frame that is not OCPP-J; it was answered or dropped.
    case malformedFrame(String)
}
