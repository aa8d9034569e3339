import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Link

/// How far an opening got, and what a failed step is told as.
@Suite struct ConnectionCheckTests {
    @Test func theProgressHandlerReportsTheConnectionAndTheHandshakeAndPassesAllOn() throws {
        let seen = Mutex<[OpeningProgress]>([])
        let channel = EmbeddedChannel(handler: OpeningProgressHandler { event in seen.withLock { $0.append(event) } })
        channel.remoteAddress = try SocketAddress(ipAddress: "::1", port: 9443)
        try channel.connect(to: channel.remoteAddress!).wait()
        let facts = TLSSessionFacts(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", subject: "/CN=cs", issuer: "/CN=CA")
        channel.pipeline.fireUserInboundEventTriggered(facts)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 101"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "HTTP/1.1 101"))
        #expect(seen.withLock { $0 } == [.connected("[::1]:9443"), .tlsEstablished(facts)])
        _ = try channel.finish()
    }

    static func explanations(
        url: String = "wss://cs.example/ocpp/{id}/", profile: SecurityProfile = .tlsWithBasicAuthentication, caFile: String? = "/etc/ca.pem"
    ) throws -> ConnectionCheck.Explanations {
        let configuration = LinkConfiguration(
            url: url, chargePointId: "CP-1", securityProfile: profile, authorizationKey: "0123456789abcdef", allowsInsecureTransport: true,
            trustedCertificatesFile: caFile)
        return ConnectionCheck.Explanations(configuration: configuration, endpoint: try configuration.endpoint())
    }

    @Test func aRefusedUpgradeSaysWhatTheCentralSystemRefused() throws {
        let basic = try Self.explanations()
        #expect(basic.upgradeFailed(.upgradeRefused(status: 401, reason: "Unauthorized"))
            == "the Central System refused the password (HTTP 401 Unauthorized): check the password, and that it knows charge point CP-1")
        let none = try Self.explanations(url: "ws://cs.example/ocpp", profile: .unsecured)
        #expect(none.upgradeFailed(.upgradeRefused(status: 401, reason: "Unauthorized"))
            == "the Central System wants a password (HTTP 401 Unauthorized), and security profile 0 sends none")
        #expect(basic.upgradeFailed(.upgradeRefused(status: 404, reason: "Not Found"))
            == "the Central System has nothing at /ocpp/CP-1/ (HTTP 404 Not Found): check the URL, and where the charge point id goes ({id})")
        #expect(basic.upgradeFailed(.subprotocolRefused(offered: nil))
            == "the Central System took the WebSocket but not subprotocol ocpp1.6 (it chose none): is this its OCPP 1.6 URL?")
        #expect(basic.upgradeFailed(.subprotocolRefused(offered: "ocpp2.0.1")).contains("(it chose 'ocpp2.0.1')"))
    }

    @Test func aRefusedCertificateSaysWhyInPlainWords() throws {
        let withCA = try Self.explanations()
        #expect(withCA.tlsFailed(TLSFailure(verificationError: 62, reason: "hostname mismatch"))
            == "the server's certificate is not made out for cs.example (OpenSSL: hostname mismatch)")
        #expect(withCA.tlsFailed(TLSFailure(verificationError: 20, reason: "unable to get local issuer certificate"))
            == "the server's certificate is not signed by an authority in ca_file /etc/ca.pem (OpenSSL: unable to get local issuer certificate)")
        let system = try Self.explanations(caFile: nil)
        #expect(system.tlsFailed(TLSFailure(verificationError: 18, reason: "self-signed certificate")).contains(
            "not signed by an authority in the system's certificate store; a private CA needs ca_file"))
        #expect(withCA.tlsFailed(TLSFailure(verificationError: 10, reason: "certificate has expired")).hasPrefix(
            "the server's certificate has expired, or the charger's clock is wrong"))
    }

    @Test func aFinishedHandshakeNamesTheCertificateAndWhatItWasCheckedAgainst() throws {
        let passed = try Self.explanations().tlsPassed(
            TLSSessionFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", subject: "/CN=cs.example", issuer: "/CN=CA"))
        #expect(passed.verdict == .passed)
        #expect(passed.detail == "TLSv1.3 (TLS_AES_256_GCM_SHA384); certificate /CN=cs.example issued by /CN=CA "
            + "verified against ca_file /etc/ca.pem, host name cs.example matches")
        let plain = try Self.explanations(url: "ws://cs.example/", profile: .unsecured).tlsPassed(nil)
        #expect(plain.verdict == .notApplicable)
    }
}
