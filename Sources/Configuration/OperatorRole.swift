/// What an operator (a Central System) is to this charge point; see `spec/operators.md`.
public enum OperatorRole: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// The charger's own management backend: pushes operator lists; the authority while no
    /// billing operator is set. At most one.
    case home
    /// The operator that bills the driver, and so the authority. At most one.
    case billing
    /// Energy management, monitoring, maintenance: sees everything, never starts or stops
    /// a transaction. Any number.
    case dataControl = "data-control"

    public var description: String { rawValue }
}
