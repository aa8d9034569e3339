import ArgumentParser
import ChargePoint
import Configuration

#if canImport(Glibc)
    import Glibc
#endif

/// The root side of `[firmware] run_by = "unit"`: what chargeplex-firmware.service runs when
/// the agent asks for an installation (`FirmwareInstallRequest`). Not for people: hidden.
struct FirmwareInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firmware-install",
        abstract: "Carry out the agent's firmware installation request (run by chargeplex-firmware.service, as root).",
        discussion: """
            Takes <state>/firmware/install-request, runs the installer the configuration file names \
            on the firmware file the request names, and writes <state>/firmware/install-result for \
            the agent. A request from before the last reboot is dropped. Exits 0 once a result is \
            written (whatever the installer said), 1 when none could be.
            """,
        shouldDisplay: false)

    @Option(name: .shortAndLong, help: "The configuration file: the installer and the state directory.")
    var config: String = "/etc/chargeplex/chargeplex.toml"

    func run() throws {
        let configuration = try configurationOrExit(config, prefix: "chargeplex: configuration refused: ", status: 2)
        guard let installer = configuration.firmware.installer else {
            printError("chargeplex: \(config) names no [firmware] installer; nothing to run")
            throw ExitCode(2)
        }
        let folder = configuration.stateDirectory + "/" + StateFiles.firmwareFolderName
        // The folder is the agent's: opened once, never through a link, and used by descriptor.
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else {
            let reason = errno == ENOENT ? "it does not exist" : FirmwareInstallFiles.describe(errno)
            print("no installation request: cannot open \(folder) (\(reason))")
            return
        }
        defer { close(directory) }
        let requestName = FirmwareInstallRequest.requestName
        guard FirmwareInstallFiles.exists(requestName, in: directory) else {
            print("no installation request in \(folder)")
            return
        }
        // Taken, whatever it holds: the agent sees it go, and a bad one does not come back.
        let text: String
        do {
            defer { unlinkat(directory, requestName, 0) }
            text = try FirmwareInstallFiles.read(requestName, in: directory)
        } catch {
            printError("chargeplex: \(folder)/\(error.reason)")
            throw ExitCode(1)
        }
        let request: FirmwareInstallRequest
        switch FirmwareInstallRequest.parse(text) {
        case .success(let parsed): request = parsed
        case .failure(let reason):
            printError("chargeplex: \(folder)/\(requestName) is not an installation request: \(reason.reason)")
            throw ExitCode(1)
        }
        guard request.bootId == FirmwareInstallRequest.currentBootId() else {
            print("installation request \(request.number) dates from before the last reboot: dropped")
            return
        }
        let failure = Self.install(request, folder: folder, directory: directory, installer: installer)
        print("installation request \(request.number): " + (failure.map { "failed: \($0)" } ?? "installed"))
        var owner = stat()
        let agent = fstat(directory, &owner) == 0 ? (owner.st_uid, owner.st_gid) : nil
        do {
            try FirmwareInstallFiles.writeWhole(
                FirmwareInstallResult(number: request.number, failure: failure).text,
                to: FirmwareInstallRequest.resultName, in: directory, owner: agent)
        } catch {
            printError("chargeplex: cannot write the result for the agent in \(folder): \(error.reason)")
            throw ExitCode(1)
        }
    }

    /// Runs the installer on the request's file; why not, when it did not install it.
    private static func install(_ request: FirmwareInstallRequest, folder: String, directory: Int32, installer: String) -> String? {
        let path = folder + "/" + request.fileName
        var status = stat()
        guard fstatat(directory, request.fileName, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
            return "\(path) cannot be read: \(FirmwareInstallFiles.describe(errno))"
        }
        guard status.st_mode & S_IFMT == S_IFREG else { return "\(path) is not a regular file" }
        print("running \(installer) \(path)")
        switch AgentFirmware.run(installer, argument: path, timeLimit: AgentFirmware.installerTimeLimit) {
        case .success: return nil
        case .failure(let failure): return failure.reason
        }
    }
}
