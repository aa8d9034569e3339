/// What the agent answers a control-socket command with.
///
/// On the wire the answer starts with a status line, `ok` or `refused`, then the text; a
/// stream sends `ok` and then its lines as they come, until the client hangs up. URL
/// credentials are masked in everything sent.
enum ControlAnswer: Sendable {
    /// The command was done (or the facts asked for): the text to print.
    case text(String)
    /// The command was not done, and why: `chargeplex` prints it and exits non-zero.
    case refused(String)
    /// Lines that keep coming (`chargeplex log -f`), without their newlines.
    case stream(AsyncStream<String>)

    static let okLine = "ok"
    static let refusedLine = "refused"
}
