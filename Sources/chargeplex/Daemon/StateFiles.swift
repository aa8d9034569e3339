import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Who may read what the agent keeps: the database holds operators' passwords pushed with
/// SetOperators, so nothing in the state directory is for other users. The directory is
/// 0750 so that members of the agent's group (`chargeplex`) reach the control socket
/// (0660) for `chargeplex status`; every file is 0600, the firmware folder 0700.
///
/// The modes are set here, whoever starts the agent; the unit's UMask= and
/// StateDirectoryMode= say the same.
enum StateFiles {
    static let directoryMode: mode_t = 0o750
    static let fileMode: mode_t = 0o600
    static let firmwareDirectoryMode: mode_t = 0o700
    static let socketMode: mode_t = 0o660

    static let databaseName = "chargeplex.db"
    /// SQLite's companions of the database file; it creates them with the database's mode.
    static let databaseCompanions = ["-wal", "-shm", "-journal"]
    static let firmwareFolderName = "firmware"

    /// Run before anything is opened: files are created 0600 from now on (umask), the
    /// directory exists with its mode, and what an earlier version left more open is
    /// tightened. The database file is created here, 0600, so that SQLite's own files
    /// follow its mode.
    /// - Returns: the umask the process had, for the programs it starts.
    static func prepare(directory: String, logger: Logger) throws(AgentError) -> mode_t {
        let inherited = umask(0o077)
        if mkdir(directory, directoryMode) == 0 {
            // mkdir applies the umask: 0700. The group is let in explicitly.
            try setMode(of: directory, to: directoryMode)
        } else if errno == EEXIST {
            try tightenDirectory(directory, logger: logger)
        } else {
            throw AgentError("cannot create the state directory \(directory): \(describe(errno))")
        }
        let database = directory + "/" + databaseName
        for path in [database] + databaseCompanions.map({ database + $0 }) {
            try tightenFile(path, logger: logger)
        }
        let created = open(database, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
        if created >= 0 {
            close(created)
        } else if errno != EEXIST {
            throw AgentError("cannot create \(database): \(describe(errno))")
        }
        tightenFirmwareFolder(directory + "/" + firmwareFolderName, logger: logger)
        return inherited
    }

    /// What the directory lets others do beyond 0750 taken away, if it is the agent's own:
    /// owned by the user the agent runs as, and empty or holding its database. Another
    /// directory (a shared one named by mistake) is left as it is, with a warning. A stricter
    /// mode (0700) is someone's choice and stays.
    private static func tightenDirectory(_ directory: String, logger: Logger) throws(AgentError) {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            throw AgentError("cannot read the state directory \(directory): \(describe(errno))")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw AgentError("\(directory) is not a directory") }
        let mode = status.st_mode & 0o7777
        let tightened = mode & directoryMode
        guard tightened != mode else { return }
        let ownsIt = status.st_uid == geteuid()
        let isAgents = access(directory + "/" + databaseName, F_OK) == 0 || isEmpty(directory)
        guard ownsIt && isAgents else {
            logger.warning(
                "the state directory is open beyond 0750, and it does not look like the agent's own, so it is left as it is",
                metadata: ["directory": "\(directory)", "mode": "\(octal(mode))"])
            return
        }
        try setMode(of: directory, to: tightened)
        logger.notice(
            "state directory mode tightened", metadata: ["directory": "\(directory)", "was": "\(octal(mode))", "now": "\(octal(tightened))"])
    }

    /// An existing file of the agent's made 0600; a missing one is fine.
    private static func tightenFile(_ path: String, logger: Logger) throws(AgentError) {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw AgentError("cannot open \(path) to check its mode: \(describe(errno))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw AgentError("cannot read \(path): \(describe(errno))") }
        let mode = status.st_mode & 0o7777
        guard mode != fileMode, status.st_mode & S_IFMT == S_IFREG else { return }
        guard fchmod(descriptor, fileMode) == 0 else {
            throw AgentError("cannot make \(path) readable by the agent only (mode 0600): \(describe(errno))")
        }
        logger.notice("state file mode tightened", metadata: ["file": "\(path)", "was": "\(octal(mode))", "now": "0600"])
    }

    /// The firmware folder 0700 and every file in it 0600; it may not exist yet. Nothing
    /// there is worth refusing to start over: a file that cannot be changed is reported.
    private static func tightenFirmwareFolder(_ folder: String, logger: Logger) {
        var status = stat()
        guard lstat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return }
        do {
            if status.st_mode & 0o7777 != firmwareDirectoryMode { try setMode(of: folder, to: firmwareDirectoryMode) }
            for name in entries(of: folder) { try tightenFile(folder + "/" + name, logger: logger) }
        } catch {
            logger.warning("firmware folder: \(error.description)")
        }
    }

    /// Makes the agent's control socket reachable by its group.
    static func openSocketToGroup(_ path: String) throws(AgentError) {
        try setMode(of: path, to: socketMode)
    }

    private static func setMode(of path: String, to mode: mode_t) throws(AgentError) {
        guard chmod(path, mode) == 0 else {
            throw AgentError("cannot set the mode of \(path) to \(octal(mode)): \(describe(errno))")
        }
    }

    private static func isEmpty(_ directory: String) -> Bool {
        entries(of: directory).isEmpty
    }

    /// The names in `directory` but `.` and `..`.
    private static func entries(of directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func octal(_ mode: mode_t) -> String {
        "0" + String(mode, radix: 8)
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
