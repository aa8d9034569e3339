/// The charger's hardware as events in and commands out.
///
/// Implementations: `SimBoard` (tests and the demo) and `GPIOBoard`
/// (libgpiod). The charge point never touches pins directly.
public protocol Board: AnyObject, Sendable {
    /// Number of connectors, numbered from 1.
    var connectorCount: Int { get }
    /// Every hardware event, in the order it happened. One consumer.
    var events: AsyncStream<BoardEvent> { get }
    /// Carries out a command. Never blocks.
    func perform(_ command: BoardCommand)
    /// Opens every relay: the safe state on shutdown and on faults.
    func makeSafe()
    /// Asks for a sign of life: `events` carries `.alive(probe: number)`
    /// once the board's own event thread has come round to it, behind every
    /// event reported before. Never blocks. The daemon's watchdog sends it.
    func probe(_ number: UInt64)
    /// The connectors' meters that sign their readings (OCMF); nil when the
    /// board has none. Defaults to nil.
    var signedMeters: (any SignedMeters)? { get }
}
