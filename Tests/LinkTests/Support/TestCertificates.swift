import Foundation

/// A throw-away PKI made with the `openssl` command: a CA, server certificates good and bad,
/// and a client certificate for security profile 3.
struct TestCertificates: Sendable {
    let directory: String

    var caFile: String { path("ca.pem") }
    func certificate(_ name: String) -> String { path("\(name).pem") }
    func key(_ name: String) -> String { path("\(name).key") }

    /// One PKI for the whole run: made once, so the tests do not start
    /// dozens of `openssl` processes at the same moment.
    static let shared = Result { try make() }

    static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chargeplex-link-pki-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pki = TestCertificates(directory: directory)
        try pki.selfSigned("ca", subject: "/CN=Chargeplex Test CA", extensions: nil)
        try pki.selfSigned("otherca", subject: "/CN=Unknown Test CA", extensions: nil)
        try pki.issued("server", subject: "/CN=localhost", by: "ca", days: 2,
                       extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1")
        try pki.issued("wronghost", subject: "/CN=wrong.example", by: "ca", days: 2,
                       extensions: "subjectAltName=DNS:wrong.example")
        // Negative days: notAfter lies before now, so the certificate is already expired.
        try pki.issued("expired", subject: "/CN=localhost", by: "ca", days: -1,
                       extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1")
        try pki.issued("unknownca", subject: "/CN=localhost", by: "otherca", days: 2,
                       extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1")
        try pki.selfSigned("selfsigned", subject: "/CN=localhost",
                           extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1")
        try pki.issued("client", subject: "/CN=CP-TLS-3", by: "ca", days: 2,
                       extensions: "extendedKeyUsage=clientAuth")
        return pki
    }

    private func path(_ name: String) -> String { "\(directory)/\(name)" }

    private func selfSigned(_ name: String, subject: String, extensions: String?) throws {
        var arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key(name), "-out", certificate(name), "-subj", subject, "-days", "2",
        ]
        if let extensions { arguments += ["-addext", extensions] }
        try Self.openssl(arguments)
    }

    private func issued(_ name: String, subject: String, by issuer: String, days: Int, extensions: String) throws {
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key(name), "-out", path("\(name).csr"), "-subj", subject,
        ])
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try Self.openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", certificate(issuer), "-CAkey", key(issuer),
            "-CAcreateserial", "-out", certificate(name), "-days", "\(days)", "-extfile", path("\(name).ext"),
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
