import Configuration

#if canImport(Glibc)
    import Glibc
#endif

extension AgentConfiguration {
    /// The file read and checked (`load`), then what only this machine can tell: whether the
    /// agent may keep its state where the file says. `config check` reports what this finds
    /// and `run` refuses to start on it, both with the line of `[state] directory`.
    static func loadChecked(path: String) throws(ConfigurationError) -> AgentConfiguration {
        let configuration = try load(path: path)
        if let reason = StateDirectoryCheck.problem(with: configuration.stateDirectory) {
            let shown = configuration.stateDirectoryLine == nil ? reason + " (the default; [state] directory chooses another)" : reason
            throw ConfigurationError(file: path, line: configuration.stateDirectoryLine, keyPath: "state.directory", reason: shown)
        }
        return configuration
    }
}

/// Whether the agent, running as the user who asks, can keep its state in a directory: write
/// in it if it exists, or create it (one level, as the agent does) if it does not. Only looks;
/// nothing is created or changed.
enum StateDirectoryCheck {
    /// Why the agent could not use `directory` (an absolute path), or nil when it can.
    static func problem(with directory: String) -> String? {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard isDirectory(status) else { return "\(directory) exists but is not a directory" }
            if let reason = unwritable(directory) { return "the agent cannot write in \(directory): \(reason)" }
            return nil
        }
        let code = errno
        guard code == ENOENT else { return "\(directory) cannot be reached: \(describe(code))" }
        let parent = parentDirectory(of: directory)
        guard stat(parent, &status) == 0 else {
            let reason = errno == ENOENT ? "\(parent) does not exist either" : describe(errno)
            return "\(directory) does not exist and cannot be created: \(reason)"
        }
        guard isDirectory(status) else { return "\(directory) cannot be created: \(parent) is not a directory" }
        if let reason = unwritable(parent) {
            return "\(directory) does not exist and cannot be created: the agent cannot write in \(parent): \(reason)"
        }
        return nil
    }

    /// Why the effective user cannot create files in `directory`, or nil when it can.
    private static func unwritable(_ directory: String) -> String? {
        faccessat(AT_FDCWD, directory, W_OK | X_OK, AT_EACCESS) == 0 ? nil : describe(errno)
    }

    private static func isDirectory(_ status: stat) -> Bool {
        status.st_mode & S_IFMT == S_IFDIR
    }

    /// `/var/lib` for `/var/lib/chargeplex` (and `/var/lib/chargeplex/`), `/` for `/state`.
    static func parentDirectory(of path: String) -> String {
        var components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return "/" }
        components.removeLast()
        return "/" + components.joined(separator: "/")
    }

    private static func describe(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied"
        case EROFS: "read-only file system"
        case ENOTDIR: "a part of the path is not a directory"
        default: String(cString: strerror(code))
        }
    }
}
