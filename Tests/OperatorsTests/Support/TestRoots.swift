import Foundation

/// Root certificates made with the `openssl` command for the certificate store tests: three
/// CAs, an expired CA and a certificate that is not a CA.
struct TestRoots: Sendable {
    let directory: String

    /// Made once for the whole run.
    static let shared = Result { try make() }

    static func make() throws -> TestRoots {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chargeplex-operators-roots-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let roots = TestRoots(directory: directory)
        for name in ["alpha", "beta", "gamma"] {
            try openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", roots.path("\(name).key"), "-out", roots.path("\(name).pem"), "-subj", "/CN=Root \(name)", "-days", "2",
            ])
        }
        try roots.signed("expired", days: -1, extensions: "basicConstraints=critical,CA:TRUE")
        try roots.signed("leaf", days: 2, extensions: "basicConstraints=critical,CA:FALSE")
        return roots
    }

    func pem(_ name: String) throws -> String { try String(contentsOfFile: path("\(name).pem"), encoding: .utf8) }

    private func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// A self-signed certificate valid for `days` from now (negative: expired already).
    private func signed(_ name: String, days: Int, extensions: String) throws {
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)",
        ])
        try (extensions + "\n").write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try Self.openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-signkey", path("\(name).key"), "-days", "\(days)",
            "-extfile", path("\(name).ext"), "-out", path("\(name).pem"),
        ])
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        let arguments: [String]
        var description: String { "openssl \(arguments.joined(separator: " ")) failed" }
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OpenSSLFailed(arguments: arguments) }
    }
}
