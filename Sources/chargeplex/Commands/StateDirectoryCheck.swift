import Configuration

#if canImport(Glibc)
    import Glibc
#endif

extension AgentConfiguration {
    /// The file read and checked (`load`), then what only this machine can tell: whether the
    /// agent may keep its state where the file says. `config check` reports what this finds
    /// and `run` refuses to start on it, both with the line of `[state] directory`.
    ///
    /// - Parameter serviceDirectory: the state directory the systemd unit gives the agent
    ///   (`STATE_DIRECTORY`), when it runs as the service: the file must name the same one,
    ///   and the firmware installer must then be run by the unit, outside the sandbox.
    static func loadChecked(
        path: String, serviceDirectory: String? = StateDirectoryCheck.serviceDirectory()
    ) throws(ConfigurationError) -> AgentConfiguration {
        let configuration = try load(path: path)
        let defaultNote = configuration.stateDirectoryLine == nil ? " (the default; [state] directory chooses another)" : ""
        if let serviceDirectory,
            let reason = StateDirectoryCheck.mismatch(configured: configuration.stateDirectory, service: serviceDirectory)
        {
            throw ConfigurationError(
                file: path, line: configuration.stateDirectoryLine, keyPath: "state.directory", reason: reason + defaultNote)
        }
        if let reason = StateDirectoryCheck.problem(with: configuration.stateDirectory) {
            throw ConfigurationError(
                file: path, line: configuration.stateDirectoryLine, keyPath: "state.directory", reason: reason + defaultNote)
        }
        if serviceDirectory != nil, configuration.firmware.installer != nil, configuration.firmware.runBy == .agent {
            throw ConfigurationError(
                file: path, line: configuration.firmware.runByLine, keyPath: "firmware.run_by",
                reason: "the service's sandbox keeps an installer run by the agent from replacing the package; "
                    + "say run_by = \"unit\", so that chargeplex-firmware.service runs it")
        }
        return configuration
    }
}

/// Whether the agent, running as the user who asks, can keep its state in a directory: write
/// in it if it exists, or create it (one level, as the agent does) if it does not. Only looks;
/// nothing is created or changed.
enum StateDirectoryCheck {
    /// The first directory of `STATE_DIRECTORY`, which systemd sets from the unit's
    /// `StateDirectory=` (a colon-separated list of absolute paths); nil outside such a unit.
    static func serviceDirectory() -> String? {
        guard let value = getenv("STATE_DIRECTORY").map({ String(cString: $0) }) else { return nil }
        let first = value.split(separator: ":", omittingEmptySubsequences: true).first.map(String.init)
        return first.flatMap { $0.hasPrefix("/") ? $0 : nil }
    }

    /// Why `configured` (the file's `[state] directory`) is not the unit's `service`
    /// directory, or nil when both name one directory (spelt alike, or the same inode).
    static func mismatch(configured: String, service: String) -> String? {
        if normalized(configured) == normalized(service) { return nil }
        var first = stat()
        var second = stat()
        if stat(configured, &first) == 0, stat(service, &second) == 0,
            first.st_dev == second.st_dev, first.st_ino == second.st_ino
        {
            return nil
        }
        return "\(configured) is not the directory the service gives the agent, \(service) "
            + "(StateDirectory= of its unit, STATE_DIRECTORY): the service may write only there; "
            + "say directory = \"\(service)\", or change StateDirectory= in a drop-in of the unit"
    }

    /// `/var/lib//chargeplex/` as `/var/lib/chargeplex`.
    static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

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
