#if canImport(Glibc)
    import Glibc
#endif

/// The service manager's notification socket (sd_notify): READY=1, STATUS=,
/// WATCHDOG=1, STOPPING=1. Sends nothing when not started by systemd.
struct SystemdNotify: Sendable {
    /// `NOTIFY_SOCKET` as systemd gave it; nil outside a Type=notify service.
    let socketPath: String?
    /// The watchdog interval (`WATCHDOG_USEC`) when systemd expects pings from this process.
    let watchdogInterval: Duration?

    /// Reads the variables systemd sets and removes them from the environment, so that a
    /// program the agent starts (a firmware installer) cannot speak for the agent.
    static func fromEnvironment() -> SystemdNotify {
        func take(_ name: String) -> String? {
            defer { unsetenv(name) }
            return getenv(name).map { String(cString: $0) }
        }
        let socketPath = take("NOTIFY_SOCKET").flatMap { $0.isEmpty ? nil : $0 }
        let interval = watchdogInterval(microseconds: take("WATCHDOG_USEC"), pid: take("WATCHDOG_PID"), ownPID: getpid())
        return SystemdNotify(socketPath: socketPath, watchdogInterval: socketPath == nil ? nil : interval)
    }

    /// The longest interval taken from `WATCHDOG_USEC`: a day. Anything longer, zero or not
    /// a plain decimal number is a setting this agent does not understand, and ignored.
    static let longestWatchdogInterval: UInt64 = 86_400_000_000

    /// `WATCHDOG_USEC` read as systemd means it: pings are expected from this process when
    /// `WATCHDOG_PID` is unset or names it.
    static func watchdogInterval(microseconds: String?, pid: String?, ownPID: Int32) -> Duration? {
        guard let microseconds, !microseconds.isEmpty, microseconds.utf8.count <= 20,
            microseconds.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = UInt64(microseconds), value > 0, value <= longestWatchdogInterval
        else { return nil }
        if let pid, pid != String(ownPID) { return nil }
        return .microseconds(Int64(value))
    }

    /// Sends one datagram of `NAME=value` lines; a failure is not the agent's to handle
    /// (systemd is gone or restarting), so nothing is reported.
    func send(_ fields: String...) {
        guard let socketPath else { return }
        // A STATUS text is one line: a newline would start another field.
        let text = fields.map { $0.replacing("\n", with: " ") }.joined(separator: "\n")
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // An abstract socket starts with '@', which stands for a leading NUL.
        var bytes = Array(socketPath.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                text.withCString { message in
                    sendto(descriptor, message, strlen(message), Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
    }
}
