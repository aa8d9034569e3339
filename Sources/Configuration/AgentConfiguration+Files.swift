/// The files a configuration names: what `config check` and `doctor` look for on the machine.
extension AgentConfiguration {
    /// One file the configuration names, where, and what the agent does with it.
    public struct FileReference: Sendable, Equatable {
        public enum Use: Sendable, Equatable {
            /// The agent reads it (pin map, certificates, keys).
            case read
            /// The agent runs it (the firmware installer).
            case execute
            /// chargeplex-firmware.service runs it as root (the installer with run_by = "unit").
            case executeByRoot
        }

        /// `board.pinmap`, `operators[1].ca_file`.
        public var keyPath: String
        /// The line of the key; nil only for a configuration not read from a file.
        public var line: Int?
        public var path: String
        public var use: Use
        /// What the file is, for a technician: `pin map`, `CA file of operator billing`.
        public var role: String
    }

    /// Every file the agent will open or run, in file order of their keys. Operators that are
    /// disabled are left out: the agent does not connect them.
    public var fileReferences: [FileReference] {
        var references: [FileReference] = []
        func add(_ keyPath: String, _ path: String?, _ use: FileReference.Use, _ role: String) {
            guard let path else { return }
            references.append(FileReference(keyPath: keyPath, line: keyLines[keyPath], path: path, use: use, role: role))
        }
        add("board.pinmap", board.pinMap, .read, "pin map")
        for (index, entry) in operators.enumerated() where entry.enabled {
            add("operators[\(index)].ca_file", entry.caFile, .read, "CA file of operator \(entry.name)")
            add("operators[\(index)].client_certificate", entry.clientCertificate, .read, "client certificate of operator \(entry.name)")
            add("operators[\(index)].client_key", entry.clientKey, .read, "client key of operator \(entry.name)")
        }
        add("firmware.installer", firmware.installer, firmware.runBy == .unit ? .executeByRoot : .execute, "firmware installer")
        add("firmware.ca_file", firmware.caFile, .read, "firmware CA file")
        return references.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }
}
