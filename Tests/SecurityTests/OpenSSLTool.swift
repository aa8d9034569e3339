import Foundation

/// Runs the `openssl` command in a scratch directory and returns what it printed: the
/// independent side that makes certificates, keys and signatures for these tests.
struct OpenSSLTool: Sendable {
    let directory: String

    static func scratch() throws -> OpenSSLTool {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chargeplex-security-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return OpenSSLTool(directory: directory)
    }

    func file(_ name: String) -> String { "\(directory)/\(name)" }

    func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    func run(_ arguments: [String], input: [UInt8]? = nil) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        let errors = Pipe()
        let feed = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = feed
        try process.run()
        if let input { feed.fileHandleForWriting.write(Data(input)) }
        try feed.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "openssl \(arguments.joined(separator: " ")): \(String(decoding: complaint, as: UTF8.self))")
        }
        return Array(printed)
    }

    func text(_ arguments: [String]) throws -> String {
        String(decoding: try run(arguments), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A self-signed CA `name`.pem / `name`.key (EC P-256, or RSA when asked).
    func rootCA(_ name: String, subject: String, rsa: Bool = false, days: Int = 30) throws {
        try run(
            ["req", "-x509", "-nodes", "-keyout", "\(name).key", "-out", "\(name).pem", "-subj", subject, "-days", "\(days)",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]
                + (rsa ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]))
    }

    /// `name`.pem signed by `issuer`, with its own new key, or for the request in `csr`.
    func issue(_ name: String, subject: String, by issuer: String, ca: Bool = false, days: Int = 30, csr: String? = nil, serial: String = "0x1f00a2") throws {
        if csr == nil {
            try run([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key",
                "-out", "\(name).csr", "-subj", subject,
            ])
        } else {
            try csr!.write(toFile: file("\(name).csr"), atomically: true, encoding: .utf8)
        }
        let extensions = ca ? "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n" : "basicConstraints=CA:FALSE\n"
        try extensions.write(toFile: file("\(name).ext"), atomically: true, encoding: .utf8)
        try run([
            "x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key", "-set_serial", serial,
            "-out", "\(name).pem", "-days", "\(days)", "-extfile", "\(name).ext",
        ])
    }
}
