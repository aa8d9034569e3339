import Foundation
import Link
import OCPP16
import Synchronization
import Testing

/// Security profiles 2 and 3 over the system OpenSSL, against the Python Central System
/// and against `openssl s_server` presenting certificates that must be refused.
@Suite(.timeLimit(.minutes(3))) struct TLSLinkTests {
    let pki: TestCertificates

    init() throws {
        pki = try TestCertificates.shared.get()
    }

    func tlsConfiguration(url: String, profile: SecurityProfile = .tlsWithBasicAuthentication) -> LinkConfiguration {
        var configuration = LinkConfiguration.test(
            url: url, chargePointId: "CP-TLS-3", securityProfile: profile,
            authorizationKey: profile == .tlsWithBasicAuthentication ? "0123456789abcdef" : nil)
        configuration.allowsInsecureTransport = false
        configuration.trustedCertificatesFile = pki.caFile
        if profile == .tlsWithClientCertificate {
            configuration.clientCertificateFile = pki.certificate("client")
            configuration.clientKeyFile = pki.key("client")
        }
        return configuration
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func profileTwoOpensAndCarriesCalls(host: String) async throws {
        let cs = try await CentralSystemPeer.start([
            "--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"), "--password", "0123456789abcdef",
        ])
        defer { cs.kill() }
        let link = try Link(configuration: tlsConfiguration(url: cs.url(host: host)))
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        let (_, connected) = try await cs.expect("connected")
        #expect(connected["authorization"]?.stringValue == "basic")

        let boot = try await link.call(BootNotificationRequest(chargePointVendor: "Chargeplex", chargePointModel: "TLS"))
        #expect(boot.status == .accepted)
        let mark = await cs.mark
        cs.send(["send": "GetLocalListVersion", "payload": [:]])
        let (_, answer) = try await cs.expect("answer", from: mark)
        #expect(answer["error"]?["code"]?.stringValue == "NotImplemented")
        // A message bigger than one TLS record crosses intact.
        let big = String(repeating: "x", count: 40_000)
        _ = try await link.call(action: "DataTransfer", payload: JSONObject([("vendorId", "big"), ("data", .string(big))]))
        let (_, received) = try await cs.expect("call") { $0["payload"]?["vendorId"]?.stringValue == "big" }
        #expect(received["payload"]?["data"]?.stringValue == big)

        await running.stop()
        let (_, disconnected) = try await cs.expect("disconnected")
        #expect(disconnected["code"] == .integer(1000))
    }

    @Test func profileThreePresentsTheClientCertificate() async throws {
        let cs = try await CentralSystemPeer.start([
            "--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"), "--tls-client-ca", pki.caFile,
        ])
        defer { cs.kill() }
        let link = try Link(configuration: tlsConfiguration(url: cs.url(host: "localhost"), profile: .tlsWithClientCertificate))
        let running = await RunningLink.start(link)
        try await running.waitUntilOpen()
        _ = try await link.call(HeartbeatRequest())
        await running.stop()

        // Without a client certificate the same server refuses the handshake.
        let anonymous = try Link(configuration: tlsConfiguration(url: cs.url(host: "localhost")))
        let refused = await RunningLink.start(anonymous)
        let (_, reason) = try await refused.waitForBackoff()
        #expect(reason.contains("TLS"))
        await refused.stop()
    }

    @Test(arguments: [
        ("wronghost", "hostname mismatch"),
        ("expired", "certificate has expired"),
        ("selfsigned", "self-signed certificate"),
        ("unknownca", "unable to get local issuer certificate"),
    ])
    func refusesABadServerCertificateAndSaysWhy(certificate: String, reason expected: String) async throws {
        let server = try await TLSServerPeer.start(certificate: pki.certificate(certificate), key: pki.key(certificate))
        defer { server.kill() }
        let link = try Link(configuration: tlsConfiguration(url: "wss://localhost:\(server.port)/ocpp"))
        let running = await RunningLink.start(link)
        let (_, reason) = try await running.waitForBackoff()
        #expect(reason.contains("server certificate refused"))
        #expect(reason.contains(expected))
        await running.stop()
    }

    @Test func sendsTheHostNameForSNI() async throws {
        // Without SNI this server presents the wrong-host certificate; with "localhost" as
        // server name it presents the right one, and then answers our upgrade with a web page.
        let server = try await TLSServerPeer.start(
            certificate: pki.certificate("wronghost"), key: pki.key("wronghost"),
            options: ["-servername", "localhost", "-cert2", pki.certificate("server"), "-key2", pki.key("server")])
        defer { server.kill() }
        let running = await RunningLink.start(try Link(configuration: tlsConfiguration(url: "wss://localhost:\(server.port)/ocpp")))
        let (_, reason) = try await running.waitForBackoff()
        #expect(reason.contains("HTTP 200"))
        await running.stop()
    }

    @Test func systemStoreDoesNotTrustTheTestAuthority() async throws {
        let server = try await TLSServerPeer.start(certificate: pki.certificate("server"), key: pki.key("server"))
        defer { server.kill() }
        var configuration = tlsConfiguration(url: "wss://localhost:\(server.port)/ocpp")
        configuration.trustedCertificatesFile = nil
        let running = await RunningLink.start(try Link(configuration: configuration))
        let (_, reason) = try await running.waitForBackoff()
        #expect(reason.contains("unable to get local issuer certificate"))
        await running.stop()
    }

    /// Roots installed over OCPP are listed anew for every connection: one added after a
    /// refused attempt is trusted on the next, beside the CA file; a listed file that cannot
    /// be loaded is left out; the link names the root the server was verified with.
    @Test func installedRootsCountFromTheNextConnection() async throws {
        let cs = try await CentralSystemPeer.start([
            "--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"), "--password", "0123456789abcdef",
        ])
        defer { cs.kill() }
        let installed = Mutex<[String]>([])
        var configuration = tlsConfiguration(url: cs.url(host: "localhost"))
        configuration.trustedCertificatesFile = pki.certificate("otherca")
        configuration.installedRoots = { installed.withLock { $0 } }
        let link = try Link(configuration: configuration)
        let running = await RunningLink.start(link)
        let (_, reason) = try await running.waitForBackoff()
        #expect(reason.contains("unable to get local issuer certificate"))
        #expect(link.trustAnchor == nil)

        installed.withLock { $0 = [pki.directory + "/absent.pem", pki.caFile] }
        try await running.waitUntilOpen()
        let pem = try String(contentsOfFile: pki.caFile, encoding: .utf8)
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        #expect(link.trustAnchor == Data(base64Encoded: base64).map { Array($0) })
        await running.stop()
    }

    @Test func missingCertificateFilesAreAConfigurationError() throws {
        var configuration = tlsConfiguration(url: "wss://localhost:1/ocpp", profile: .tlsWithClientCertificate)
        configuration.clientKeyFile = pki.directory + "/absent.key"
        #expect(throws: LinkError.self) { try Link(configuration: configuration) }
        configuration = tlsConfiguration(url: "wss://localhost:1/ocpp")
        configuration.trustedCertificatesFile = pki.directory + "/absent.pem"
        #expect(throws: LinkError.self) { try Link(configuration: configuration) }
    }
}
