import ChargePoint
import Dispatch
import Link
import Logging
import OCPP16

#if canImport(Glibc)
    import Glibc
#endif

/// Firmware updates on this machine: the file is fetched over HTTP(S) into
/// `<state>/firmware/`, then the OEM's installer program gets its path.
struct AgentFirmware: FirmwareService {
    let installer: String
    let caFile: String?
    let directory: String
    let logger: Logger
    /// An installer that runs longer is stopped and the update fails.
    static let installerTimeLimit: Int64 = 30 * 60

    func download(from location: String) async -> Result<String, TransferFailure> {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            return .failure(TransferFailure("cannot create \(directory): \(String(cString: strerror(errno)))"))
        }
        let path = directory + "/" + Self.fileName(of: location)
        do {
            let size = try await HTTPDownload.fetch(location, to: path, trustedCertificatesFile: caFile)
            logger.info("firmware file fetched", metadata: ["file": "\(path)", "bytes": "\(size)"])
            return .success(path)
        } catch {
            // The reason is logged: a URL in it (a redirect's too) keeps no password.
            return .failure(TransferFailure(Secrets.maskingURLCredentials(in: error.description)))
        }
    }

    func install(_ file: String) async -> Result<Void, TransferFailure> {
        logger.notice("running the firmware installer", metadata: ["installer": "\(installer)", "file": "\(file)"])
        let (installer, limit) = (self.installer, Self.installerTimeLimit)
        return await withCheckedContinuation { continuation in
            // posix_spawn and waitpid block: they run on a thread of their own.
            DispatchQueue.global().async {
                continuation.resume(returning: Self.run(installer, argument: file, timeLimit: limit))
            }
        }
    }

    /// The last segment of the URL's path, reduced to safe characters.
    static func fileName(of location: String) -> String {
        let path = location.split(separator: "?", maxSplits: 1).first.map(String.init) ?? location
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        let safe = String(String.UnicodeScalarView(last.unicodeScalars.filter { scalar in
            let letter = scalar.value | 0x20
            return (scalar.value >= 0x30 && scalar.value <= 0x39) || (letter >= 0x61 && letter <= 0x7A) || "-_.".unicodeScalars.contains(scalar)
        }))
        return safe.isEmpty || safe.hasPrefix(".") ? "firmware.bin" : String(safe.prefix(100))
    }

    /// Runs `program argument` and waits for it, up to `timeLimit` seconds.
    static func run(_ program: String, argument: String, timeLimit: Int64) -> Result<Void, TransferFailure> {
        var pid: pid_t = 0
        let arguments = [strdup(program), strdup(argument), nil]
        defer { for pointer in arguments { free(pointer) } }
        let started = posix_spawn(&pid, program, nil, nil, arguments, environ)
        guard started == 0 else {
            return .failure(TransferFailure("cannot start \(program): \(String(cString: strerror(started)))"))
        }
        var status: Int32 = 0
        var waited: Int64 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == -1 && errno != EINTR {
                return .failure(TransferFailure("lost the installer: \(String(cString: strerror(errno)))"))
            }
            if waited >= timeLimit * 10 {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return .failure(TransferFailure("the installer ran longer than \(timeLimit) s and was stopped"))
            }
            usleep(100_000)
            waited += 1
        }
        let signal = status & 0x7F
        guard signal == 0 else { return .failure(TransferFailure("the installer was killed by signal \(signal)")) }
        let code = (status >> 8) & 0xFF
        return code == 0 ? .success(()) : .failure(TransferFailure("the installer exited with status \(code)"))
    }
}
