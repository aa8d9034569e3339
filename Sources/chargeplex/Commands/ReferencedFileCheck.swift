import Board
import Configuration

#if canImport(Glibc)
    import Glibc
#endif

/// Whether the files a configuration names are there for the agent, run as the user who
/// asks: each one exists, is a file, and can be read (or run, for the installer). A pin map
/// must also be one the board would accept. Only looks.
enum ReferencedFileCheck {
    /// Why the agent could not use the file, or nil when it can.
    /// `board` says how a pin map is read: a simulated board uses only its meters and limit.
    static func problem(with reference: AgentConfiguration.FileReference, board: AgentConfiguration.BoardSettings) -> String? {
        var status = stat()
        guard stat(reference.path, &status) == 0 else {
            return "\(reference.role) \(reference.path): \(describe(errno))"
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            let kind = status.st_mode & S_IFMT == S_IFDIR ? "a directory" : "not a regular file"
            return "\(reference.role) \(reference.path) is \(kind)"
        }
        switch reference.use {
        case .read:
            guard faccessat(AT_FDCWD, reference.path, R_OK, AT_EACCESS) == 0 else {
                return "\(reference.role) \(reference.path) cannot be read by this user: \(describe(errno))"
            }
        case .execute, .executeByRoot:
            // Root passes the access check for any file; running it takes an execute bit.
            guard status.st_mode & 0o111 != 0 else {
                return "\(reference.role) \(reference.path) is not executable (chmod +x)"
            }
            // Run by root, not by this user: the bit is all there is to check.
            guard reference.use == .executeByRoot || faccessat(AT_FDCWD, reference.path, X_OK, AT_EACCESS) == 0 else {
                let code = errno
                return "\(reference.role) \(reference.path) cannot be run by this user: \(describe(code))"
                    + (code == EACCES ? " (is it executable? chmod +x)" : "")
            }
        }
        if reference.keyPath == "board.pinmap" {
            do {
                _ = try PinMap.load(
                    path: reference.path, simulatedConnectors: board.kind == .sim ? board.connectors : nil)
            } catch {
                return "pin map \(reference.path) is refused: \(error)"
            }
        }
        return nil
    }

    /// Every problem of every file, as configuration issues with the line of their key.
    static func issues(in configuration: AgentConfiguration, file: String) -> [ConfigurationError.Issue] {
        configuration.fileReferences.compactMap { reference in
            problem(with: reference, board: configuration.board).map {
                ConfigurationError.Issue(file: file, line: reference.line, keyPath: reference.keyPath, reason: $0)
            }
        }
    }

    private static func describe(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES, EPERM: "permission denied"
        case ENOTDIR: "a part of the path is not a directory"
        default: String(cString: strerror(code))
        }
    }
}
