import Testing

@testable import Link

@Suite struct OperatorEndpointTests {
    @Test func appendsThePercentEncodedChargePointId() throws {
        let endpoint = try OperatorEndpoint(url: "wss://csms.example.com/ocpp/16/", chargePointId: "CP 1/é")
        #expect(endpoint.isSecure)
        #expect(endpoint.host == "csms.example.com")
        #expect(endpoint.port == 443)
        #expect(endpoint.path == "/ocpp/16/CP%201%2F%C3%A9")
        #expect(endpoint.hostHeader == "csms.example.com")
        #expect(!endpoint.hostIsAddress)
    }

    @Test func readsPortsAndAddresses() throws {
        let v4 = try OperatorEndpoint(url: "ws://127.0.0.1:8180", chargePointId: "A-1_b.c~d")
        #expect(v4.port == 8180)
        #expect(v4.path == "/A-1_b.c~d")
        #expect(v4.hostHeader == "127.0.0.1:8180")
        #expect(v4.hostIsAddress)

        let v6 = try OperatorEndpoint(url: "WSS://[::1]:9443/x", chargePointId: "cp")
        #expect(v6.host == "::1")
        #expect(v6.hostHeader == "[::1]:9443")
        #expect(v6.hostIsAddress)
    }

    @Test(arguments: [
        ("wss://cs.example/ocpp/{id}/", "/ocpp/CP%201/"),
        ("wss://cs.example/{id}/ocpp", "/CP%201/ocpp"),
        ("wss://cs.example/{id}", "/CP%201"),
        ("wss://cs.example/ocpp/cp-{id}.json", "/ocpp/cp-CP%201.json"),
    ])
    func putsTheIdWhereTheURLSays(_ url: String, _ path: String) throws {
        let endpoint = try OperatorEndpoint(url: url, chargePointId: "CP 1")
        #expect(endpoint.path == path)
        #expect(endpoint.url == "wss://cs.example" + path)
    }

    @Test func withoutAPlaceholderTheIdIsTheLastSegment() throws {
        let endpoint = try OperatorEndpoint(url: "ws://127.0.0.1:9000/ocpp//", chargePointId: "CP-1")
        #expect(endpoint.path == "/ocpp/CP-1")
        #expect(endpoint.url == "ws://127.0.0.1:9000/ocpp/CP-1")
    }

    @Test(arguments: [
        "http://csms.example.com/ocpp", "ws://", "ws://host:0/x", "ws://host:99999", "ws://user:pw@host/x",
        "ws://host/x?token=1", "ws://[::1/x", "ws://{id}.example/ocpp", "ws://host:{id}/x", "ws://host/{id}/{id}",
        "ws://host/{ID}", "ws://host/{id", "ws://host/ocpp}",
    ])
    func refusesUnusableURLs(_ url: String) {
        #expect(throws: LinkError.self) { try OperatorEndpoint(url: url, chargePointId: "cp") }
    }
}

@Suite struct LinkConfigurationTests {
    @Test func plainWebSocketNeedsExplicitPermission() {
        var configuration = LinkConfiguration(url: "ws://127.0.0.1:9000/ocpp", chargePointId: "cp")
        #expect(throws: LinkError.self) { try configuration.endpoint() }
        configuration.allowsInsecureTransport = true
        #expect(throws: Never.self) { try configuration.endpoint() }
        configuration.securityProfile = .tlsWithBasicAuthentication
        configuration.authorizationKey = "0123456789abcdef"
        #expect(throws: LinkError.self) { try configuration.endpoint() }
    }

    @Test func profilesNeedTheirCredentials() {
        let basic = LinkConfiguration(
            url: "ws://127.0.0.1/ocpp", chargePointId: "cp", securityProfile: .basicAuthentication,
            allowsInsecureTransport: true)
        #expect(throws: LinkError.self) { try basic.endpoint() }
        let client = LinkConfiguration(
            url: "wss://127.0.0.1/ocpp", chargePointId: "cp", securityProfile: .tlsWithClientCertificate)
        #expect(throws: LinkError.self) { try client.endpoint() }
    }

    @Test func descriptionLeavesTheKeyOut() {
        let configuration = LinkConfiguration(
            url: "wss://csms.example.com/ocpp", chargePointId: "cp", securityProfile: .tlsWithBasicAuthentication,
            authorizationKey: "s3cr3t-key-material")
        #expect(!configuration.description.contains("s3cr3t"))
        let authorization = BasicAuthorization(user: "cp", password: "s3cr3t-key-material")
        #expect(!"\(authorization)".contains("s3cr3t"))
    }

    @Test func basicAuthorizationIsBase64OfUserColonPassword() {
        // RFC 7617's example.
        #expect(BasicAuthorization(user: "Aladdin", password: "open sesame").headerValue == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        #expect(BasicAuthorization.base64(Array("a".utf8)) == "YQ==")
        #expect(BasicAuthorization.base64(Array("ab".utf8)) == "YWI=")
        #expect(BasicAuthorization.base64(Array("abc".utf8)) == "YWJj")
    }
}
