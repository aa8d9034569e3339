import ArgumentParser

struct SecurityLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "security-log",
        abstract: "Show the running agent's security log, or clear it.",
        discussion: """
            The security log keeps the newest 1000 security events (startup, resets, firmware, \
            refused logins and server certificates, invalid messages, a full disk, tamper), across \
            restarts; each also went to its operators as a SecurityEventNotification. \
            Examples:
              chargeplex security-log
              chargeplex security-log clear
            Clearing is itself an event (SecurityLogWasCleared): it stays in the log and goes to \
            every operator.
            """)

    enum Action: String, CaseIterable, ExpressibleByArgument {
        case show, clear
    }

    @OptionGroup var state: StateOptions

    @Argument(help: "show (the default) or clear.")
    var action: Action = .show

    func run() throws {
        print(try ask(action == .clear ? "security-log clear" : "security-log", state), terminator: "")
    }
}
