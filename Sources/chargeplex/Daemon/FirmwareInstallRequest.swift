import ChargePoint

#if canImport(Glibc)
    import Glibc
#endif

/// How the sandboxed agent has a downloaded firmware file installed by root, outside its
/// sandbox (`[firmware] run_by = "unit"`): two small files in `<state>/firmware/`.
///
///     install-request   written by the agent, whole (a temporary file renamed):
///                         request 8410563361943719921
///                         boot 5d0a6c8e-...        (the kernel's boot_id)
///                         file chargeplex-2.0.bin  (a name in the firmware folder)
///     install-result    written by root, whole, for the agent:
///                         request 8410563361943719921
///                         installed            or    failed the installer exited with status 3
///
/// `chargeplex-firmware.path` starts `chargeplex-firmware.service` when the request appears;
/// it runs `chargeplex firmware-install`, which takes the request (removes it), runs the
/// configured installer on the file and writes the result. The agent waits for a result with
/// its own number. The request names neither the installer nor a path: root runs only what
/// its own configuration names, on a regular file inside the firmware folder, and a request
/// from before a reboot (another boot id) is dropped.
struct FirmwareInstallRequest: Equatable, Sendable {
    var number: UInt64
    var bootId: String
    var fileName: String

    static let requestName = "install-request"
    static let resultName = "install-result"
    /// Longer files are not requests or results of ours.
    static let maximumSize = 4096

    var text: String {
        "request \(number)\nboot \(bootId)\nfile \(fileName)\n"
    }

    /// Reads a request's text; the reason when it is not one.
    static func parse(_ text: String) -> Result<FirmwareInstallRequest, TransferFailure> {
        let fields: [String: String]
        switch FirmwareInstallFields.parse(text, keys: ["request", "boot", "file"]) {
        case .success(let parsed): fields = parsed
        case .failure(let reason): return .failure(reason)
        }
        guard let numberText = fields["request"], let number = UInt64(numberText) else {
            return .failure(TransferFailure("the request number is missing or not a number"))
        }
        guard let bootId = fields["boot"], !bootId.isEmpty else { return .failure(TransferFailure("the boot id is missing")) }
        guard let fileName = fields["file"], isSafeFileName(fileName) else {
            return .failure(TransferFailure("the file is missing or not a plain name in the firmware folder"))
        }
        return .success(FirmwareInstallRequest(number: number, bootId: bootId, fileName: fileName))
    }

    /// A name `AgentFirmware.fileName(of:)` could have made: letters, digits, `-_.`, not
    /// starting with a dot, at most 100 characters. Never a path, never `..`.
    static func isSafeFileName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 100, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            let letter = scalar.value | 0x20
            return (scalar.value >= 0x30 && scalar.value <= 0x39) || (letter >= 0x61 && letter <= 0x7A)
                || "-_.".unicodeScalars.contains(scalar)
        }
    }

    /// This boot's id (`/proc/sys/kernel/random/boot_id`), or nil if it cannot be read.
    static func currentBootId() -> String? {
        guard let text = try? FirmwareInstallFiles.read("/proc/sys/kernel/random/boot_id") else { return nil }
        let id = text.filter { !$0.isWhitespace }
        return id.isEmpty ? nil : id
    }
}

/// What root found: the installer's outcome for one request.
struct FirmwareInstallResult: Equatable, Sendable {
    var number: UInt64
    /// nil: installed; else why not.
    var failure: String?

    var text: String {
        "request \(number)\n" + (failure.map { "failed \(Self.oneLine($0))\n" } ?? "installed\n")
    }

    static func parse(_ text: String) -> Result<FirmwareInstallResult, TransferFailure> {
        let fields: [String: String]
        switch FirmwareInstallFields.parse(text, keys: ["request", "installed", "failed"]) {
        case .success(let parsed): fields = parsed
        case .failure(let reason): return .failure(reason)
        }
        guard let numberText = fields["request"], let number = UInt64(numberText) else {
            return .failure(TransferFailure("the request number is missing or not a number"))
        }
        switch (fields["installed"], fields["failed"]) {
        case (.some, nil): return .success(FirmwareInstallResult(number: number, failure: nil))
        case (nil, .some(let reason)): return .success(FirmwareInstallResult(number: number, failure: reason))
        default: return .failure(TransferFailure("says neither installed nor failed, or both"))
        }
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 }.prefix(500))
    }
}

/// `key value` lines, each key at most once, only the keys expected.
enum FirmwareInstallFields {
    static func parse(_ text: String, keys: Set<String>) -> Result<[String: String], TransferFailure> {
        guard text.utf8.count <= FirmwareInstallRequest.maximumSize else {
            return .failure(TransferFailure("longer than \(FirmwareInstallRequest.maximumSize) bytes"))
        }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            guard keys.contains(key) else { return .failure(TransferFailure("unknown line \"\(line.prefix(40))\"")) }
            guard fields[key] == nil else { return .failure(TransferFailure("\(key) appears twice")) }
            fields[key] = parts.count > 1 ? String(parts[1]) : ""
        }
        return .success(fields)
    }
}

/// The file operations both sides use: whole files, never through a symbolic link. Each
/// takes a directory descriptor and a name in it (or `AT_FDCWD` and a path): root works
/// through a descriptor of the firmware folder it opened itself, so that the agent, who owns
/// the folder, cannot point root elsewhere by swapping in a link.
enum FirmwareInstallFiles {
    /// The whole of a small file; throws on a link, a missing file or one too long.
    static func read(_ name: String, in directory: Int32 = AT_FDCWD) throws(TransferFailure) -> String {
        let descriptor = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw TransferFailure("cannot open \(name): \(describe(errno))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw TransferFailure("cannot read \(name): \(describe(errno))")
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            guard bytes.count <= FirmwareInstallRequest.maximumSize else {
                throw TransferFailure("\(name) is longer than \(FirmwareInstallRequest.maximumSize) bytes")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` as `name` as a whole: a new file next to it (never an existing one,
    /// never through a link), synced, then renamed over `name`. `owner` (uid, gid) is given
    /// the file when set: root writes the result for the agent's user.
    static func writeWhole(
        _ text: String, to name: String, in directory: Int32 = AT_FDCWD, owner: (uid_t, gid_t)? = nil
    ) throws(TransferFailure) {
        let temporary = name + ".new-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TransferFailure("cannot create \(temporary): \(describe(errno))") }
        var failure: TransferFailure?
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count && failure == nil {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno != EINTR { failure = TransferFailure("cannot write \(temporary): \(describe(errno))") }
            if count > 0 { written += count }
        }
        if failure == nil, let (uid, gid) = owner, fchown(descriptor, uid, gid) != 0 {
            failure = TransferFailure("cannot give \(temporary) to the agent's user: \(describe(errno))")
        }
        if failure == nil, fsync(descriptor) != 0 { failure = TransferFailure("cannot sync \(temporary): \(describe(errno))") }
        if close(descriptor) != 0 && failure == nil { failure = TransferFailure("cannot write \(temporary): \(describe(errno))") }
        if failure == nil, renameat(directory, temporary, directory, name) != 0 {
            failure = TransferFailure("cannot rename \(temporary) to \(name): \(describe(errno))")
        }
        if let failure {
            unlinkat(directory, temporary, 0)
            throw failure
        }
    }

    /// Removes `name` if it is there.
    static func remove(_ name: String, in directory: Int32 = AT_FDCWD) throws(TransferFailure) {
        guard unlinkat(directory, name, 0) == 0 || errno == ENOENT else {
            throw TransferFailure("cannot remove \(name): \(describe(errno))")
        }
    }

    /// Whether `name` exists (a link counts, unfollowed).
    static func exists(_ name: String, in directory: Int32 = AT_FDCWD) -> Bool {
        var status = stat()
        return fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
