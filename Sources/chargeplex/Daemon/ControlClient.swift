#if canImport(Glibc)
    import Glibc
#endif

/// Talks to a running agent over its control socket: one command line out, the answer
/// back (`ControlAnswer`).
enum ControlClient {
    struct Failure: Error, CustomStringConvertible {
        enum Kind { case noAgent, permissionDenied, refused, other }
        var kind: Kind
        var description: String
    }

    /// What a user who may not reach the socket is told.
    static let permissionDenied = "permission denied: run as root or as a member of group chargeplex"

    /// The whole answer, once the agent has sent it.
    static func send(_ command: String, socketPath: String) throws(Failure) -> String {
        var answer = ""
        try stream(command, socketPath: socketPath) { answer += $0 }
        return answer
    }

    /// The answer, handed to `receive` piece by piece as it arrives, until the agent ends it
    /// (for `log -f`: until the process is interrupted). A refusal throws with the agent's reason.
    static func stream(_ command: String, socketPath: String, receive: (String) -> Void) throws(Failure) {
        let descriptor = try connect(socketPath)
        defer { close(descriptor) }
        let line = command + "\n"
        _ = line.withCString { write(descriptor, $0, strlen($0)) }
        var status: [UInt8]?
        var pending: [UInt8] = []
        var refusal: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending += buffer[0..<count]
            if status == nil {
                guard let newline = pending.firstIndex(of: 0x0A) else { continue }
                let first = Array(pending[..<newline])
                status = first
                // An answer without a status line (an agent older than this tool) is all text.
                if first != Array(ControlAnswer.okLine.utf8) && first != Array(ControlAnswer.refusedLine.utf8) {
                    status = Array(ControlAnswer.okLine.utf8)
                } else {
                    pending.removeSubrange(...newline)
                }
            }
            if status == Array(ControlAnswer.refusedLine.utf8) {
                refusal += pending
            } else if let complete = pending.lastIndex(where: Self.endsCharacter) {
                // Whole UTF-8 sequences only, so that a character split between reads stays whole.
                receive(String(decoding: pending[...complete], as: UTF8.self))
                pending.removeSubrange(...complete)
            }
        }
        if status == Array(ControlAnswer.refusedLine.utf8) {
            throw Failure(kind: .refused, description: String(decoding: refusal, as: UTF8.self).trimmingNewlines)
        }
        if !pending.isEmpty { receive(String(decoding: pending, as: UTF8.self)) }
    }

    /// A byte after which a read may stop without cutting a character: ASCII.
    private static func endsCharacter(_ byte: UInt8) -> Bool { byte < 0x80 }

    private static func connect(_ socketPath: String) throws(Failure) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(kind: .other, description: "cannot create a socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw Failure(kind: .other, description: "socket path too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw failure(connecting: code, socketPath: socketPath)
        }
        return descriptor
    }

    /// Why the socket could not be reached: nobody listens (no agent), the user may not
    /// (permission), or something else.
    static func failure(connecting code: Int32, socketPath: String) -> Failure {
        switch code {
        case ENOENT, ECONNREFUSED:
            return Failure(
                kind: .noAgent,
                description: "no agent is running here (nothing listens on \(socketPath)); start one with `chargeplex run` or `systemctl start chargeplex`")
        case EACCES, EPERM:
            return Failure(kind: .permissionDenied, description: "\(permissionDenied) (\(socketPath) cannot be opened by this user)")
        default:
            return Failure(kind: .other, description: "cannot reach the agent at \(socketPath): \(String(cString: strerror(code)))")
        }
    }
}

extension String {
    /// The text without the newlines it ends with.
    var trimmingNewlines: String {
        var text = Substring(self)
        while text.last == "\n" { text.removeLast() }
        return String(text)
    }
}
