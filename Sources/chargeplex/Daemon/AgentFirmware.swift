import ChargePoint
import Configuration
import Dispatch
import Link
import Logging
import OCPP16

#if canImport(Glibc)
    import Glibc
#endif

/// Firmware updates on this machine: the file is fetched over HTTP(S) into
/// `<state>/firmware/`, then the OEM's installer program gets its path: started by the
/// agent itself, or, with `run_by = "unit"`, by chargeplex-firmware.service as root outside
/// the agent's sandbox (`FirmwareInstallRequest`).
struct AgentFirmware: FirmwareService {
    let installer: String
    let runBy: AgentConfiguration.FirmwareSettings.Runner
    let caFile: String?
    let directory: String
    /// The umask the agent was started with, for an installer it starts itself: the agent's
    /// own (0077) would leave what an installer puts in place readable by root only.
    let inheritedUmask: mode_t
    let logger: Logger
    /// An installer that runs longer is stopped and the update fails.
    static let installerTimeLimit: Int64 = 30 * 60
    /// What every installer finds in its environment (see `run`).
    static let installMarkerName = "CHARGEPLEX_FIRMWARE_INSTALL"
    static let installMarker = installMarkerName + "=1"
    /// How long chargeplex-firmware.path and its service may take to pick a request up.
    static let pickUpTimeLimit: Int64 = 15

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
        switch runBy {
        case .agent:
            logger.notice("running the firmware installer", metadata: ["installer": "\(installer)", "file": "\(file)"])
            let (installer, limit, umask) = (self.installer, Self.installerTimeLimit, inheritedUmask)
            return await withCheckedContinuation { continuation in
                // posix_spawn and waitpid block: they run on a thread of their own.
                DispatchQueue.global().async {
                    continuation.resume(returning: Self.run(installer, argument: file, timeLimit: limit, umask: umask))
                }
            }
        case .unit:
            return await installThroughUnit(file)
        }
    }

    /// What a previous run of the agent left: a request it can no longer wait for is
    /// withdrawn (the update itself resumes from the charge point's state and asks again).
    func withdrawLeftovers() {
        let requestPath = directory + "/" + FirmwareInstallRequest.requestName
        let left = FirmwareInstallFiles.exists(requestPath)
        do {
            try FirmwareInstallFiles.remove(requestPath)
            try FirmwareInstallFiles.remove(directory + "/" + FirmwareInstallRequest.resultName)
        } catch {
            logger.warning("cannot clear an earlier installation request", metadata: ["reason": "\(error.reason)"])
            return
        }
        if left { logger.notice("an installation request of the previous run withdrawn", metadata: ["folder": "\(directory)"]) }
    }

    /// Writes the request, waits for chargeplex-firmware.service to take it and for its result.
    private func installThroughUnit(_ file: String) async -> Result<Void, TransferFailure> {
        let name = file.split(separator: "/").last.map(String.init) ?? ""
        guard file == directory + "/" + name, FirmwareInstallRequest.isSafeFileName(name) else {
            return .failure(TransferFailure("\(file) is not a file of the firmware folder \(directory)"))
        }
        guard let bootId = FirmwareInstallRequest.currentBootId() else {
            return .failure(TransferFailure("cannot read the boot id the installation request needs"))
        }
        let request = FirmwareInstallRequest(number: UInt64.random(in: 1...UInt64.max), bootId: bootId, fileName: name)
        let requestPath = directory + "/" + FirmwareInstallRequest.requestName
        let resultPath = directory + "/" + FirmwareInstallRequest.resultName
        do {
            try FirmwareInstallFiles.remove(resultPath)
            try FirmwareInstallFiles.writeWhole(request.text, to: requestPath)
        } catch {
            return .failure(error)
        }
        logger.notice(
            "firmware installation asked of chargeplex-firmware.service",
            metadata: ["installer": "\(installer)", "file": "\(file)", "request": "\(request.number)"])
        let outcome = await waitForResult(of: request, requestPath: requestPath, resultPath: resultPath)
        do {
            try FirmwareInstallFiles.remove(requestPath)
            try FirmwareInstallFiles.remove(resultPath)
        } catch {
            logger.warning("cannot clear the installation request", metadata: ["reason": "\(error.reason)"])
        }
        return outcome
    }

    private func waitForResult(
        of request: FirmwareInstallRequest, requestPath: String, resultPath: String
    ) async -> Result<Void, TransferFailure> {
        let clock = ContinuousClock()
        let start = clock.now
        var takenAt: ContinuousClock.Instant?
        while true {
            if FirmwareInstallFiles.exists(resultPath) {
                do {
                    let text = try FirmwareInstallFiles.read(resultPath)
                    switch FirmwareInstallResult.parse(text) {
                    case .success(let result) where result.number == request.number:
                        return result.failure.map { .failure(TransferFailure($0)) } ?? .success(())
                    case .success(let result):
                        logger.warning("an installation result for another request ignored", metadata: ["request": "\(result.number)"])
                        try FirmwareInstallFiles.remove(resultPath)
                    case .failure(let reason):
                        return .failure(TransferFailure("chargeplex-firmware.service wrote a result that cannot be read: \(reason.reason)"))
                    }
                } catch {
                    return .failure(error)
                }
            }
            let now = clock.now
            if takenAt == nil && !FirmwareInstallFiles.exists(requestPath) { takenAt = now }
            if takenAt == nil && now - start > .seconds(Self.pickUpTimeLimit) {
                return .failure(TransferFailure(
                    "chargeplex-firmware.service did not take the installation request within \(Self.pickUpTimeLimit) s "
                        + "(is chargeplex-firmware.path active?)"))
            }
            if let takenAt, now - takenAt > .seconds(Self.installerTimeLimit + 60) {
                return .failure(TransferFailure("chargeplex-firmware.service gave no result within \(Self.installerTimeLimit) s"))
            }
            do {
                try await Task.sleep(for: .milliseconds(250))
            } catch {
                return .failure(TransferFailure("the agent is stopping"))
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

    /// Runs `program argument` and waits for it, up to `timeLimit` seconds. `umask` is the
    /// child's (posix_spawn has no attribute for it, so the process's is swapped around the
    /// spawn: every file the agent makes has its mode set explicitly, whatever the umask).
    ///
    /// The installer finds `CHARGEPLEX_FIRMWARE_INSTALL=1` in its environment: a package it
    /// installs must then leave chargeplex.service alone (no restart from its maintainer
    /// scripts), since the agent restarts by itself once it has reported Installed; restarted
    /// mid-installation it would fetch and install the update again.
    static func run(_ program: String, argument: String, timeLimit: Int64, umask childUmask: mode_t? = nil) -> Result<Void, TransferFailure> {
        var pid: pid_t = 0
        let arguments = [strdup(program), strdup(argument), nil]
        defer { for pointer in arguments { free(pointer) } }
        let marker = strdup(installMarker)
        defer { free(marker) }
        var environment: [UnsafeMutablePointer<CChar>?] = []
        let inherited: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        if let inherited {
            var index = 0
            while let entry = inherited[index] {
                if !String(cString: entry).hasPrefix(installMarkerName + "=") { environment.append(entry) }
                index += 1
            }
        }
        environment += [marker, nil]
        let ownUmask = childUmask.map { umask($0) }
        let started = posix_spawn(&pid, program, nil, nil, arguments, environment)
        if let ownUmask { umask(ownUmask) }
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
