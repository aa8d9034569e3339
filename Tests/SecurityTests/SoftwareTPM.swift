import Foundation
import Security

/// A software TPM 2.0 (`swtpm`) on loopback, reached through OpenSSL's `tpm2` provider
/// (Debian's tpm2-openssl): the same path a charger with a real TPM takes, with
/// /dev/tpmrm0 instead of a socket.
final class SoftwareTPM: @unchecked Sendable {
    let directory: String
    let port: Int
    private let process = Process()
    private let lifeline = Pipe()

    struct Unavailable: Error, CustomStringConvertible { let description: String }

    /// One for the whole run: the provider is loaded once per process.
    static let shared = Result { try SoftwareTPM() }

    private init() throws {
        let tool = try OpenSSLTool.scratch()
        directory = tool.directory
        port = 23_000 + Int(getpid() % 2000) * 2
        try FileManager.default.createDirectory(atPath: "\(directory)/state", withIntermediateDirectories: true)
        // swtpm lives as long as this process holds the pipe: the shell kills it when the
        // pipe ends, however the test run ends (a static is never deinitialised). KILL, as
        // the test runner may hand its children an ignored TERM.
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "swtpm socket --tpm2 --tpmstate dir=\"$1/state\" --server type=tcp,port=$2,bindaddr=127.0.0.1"
                + " --ctrl type=tcp,port=$(($2 + 1)),bindaddr=127.0.0.1 --flags not-need-init,startup-clear & tpm=$!;"
                + " trap 'kill -9 $tpm' EXIT HUP INT TERM; cat >/dev/null",
            "swtpm-guard", directory, "\(port)",
        ]
        process.standardInput = lifeline
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/swtpm") else {
            throw Unavailable(description: "swtpm is not installed (scripts/setup installs it)")
        }
        try process.run()
        setenv("TPM2OPENSSL_TCTI", "swtpm:host=127.0.0.1,port=\(port)", 1)
        setenv("TPM2TOOLS_TCTI", "swtpm:host=127.0.0.1,port=\(port)", 1)
        // The server is ready once it answers a command.
        let deadline = Date().addingTimeInterval(20)
        while (try? tool2(["tpm2_getrandom", "--hex", "4"])) == nil {
            guard Date() < deadline, process.isRunning else { throw Unavailable(description: "swtpm did not start") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try OpenSSLProviders.load(["tpm2"])
    }

    deinit { process.terminate() }

    /// Runs a tpm2-tools command against this TPM.
    @discardableResult
    func tool2(_ arguments: [String]) throws -> String {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = arguments
        child.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else { throw Unavailable(description: "\(arguments.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A P-256 signing key made inside the TPM and made persistent at `handle`.
    func persistentKey(at handle: String) throws {
        try tool2(["tpm2_createprimary", "-C", "o", "-c", "primary.ctx", "-Q"])
        try tool2(["tpm2_create", "-C", "primary.ctx", "-G", "ecc256:ecdsa-sha256", "-u", "k.pub", "-r", "k.priv", "-Q"])
        try tool2(["tpm2_flushcontext", "-t"])
        try tool2(["tpm2_load", "-C", "primary.ctx", "-u", "k.pub", "-r", "k.priv", "-c", "k.ctx", "-Q"])
        try tool2(["tpm2_evictcontrol", "-C", "o", "-c", "k.ctx", handle])
        try tool2(["tpm2_flushcontext", "-t"])
    }
}
