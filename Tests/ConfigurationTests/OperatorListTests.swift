import Testing

@testable import Configuration

/// An `[[operators]]` block of six lines (header included) followed by `extra` lines.
func operatorBlock(
    name: String = "csms", url: String = "wss://csms.example.com/ocpp", role: String = "home",
    profile: Int = 0, _ extra: String...
) -> String {
    ([
        "[[operators]]", "name = \"\(name)\"", "url = \"\(url)\"", "role = \"\(role)\"",
        "security_profile = \(profile)", "enabled = true",
    ] + extra).joined(separator: "\n") + "\n"
}

@Suite("Operator list: the rules, with line and key in every message")
struct OperatorListTests {
    @Test("a valid list of home, billing and several data-control operators loads")
    func validList() throws {
        let configuration = try AgentConfiguration.parse(text: minimalConfiguration
            + operatorBlock(name: "home", role: "home")
            + operatorBlock(name: "billing", url: "wss://bill.example.com:8443/ocpp/", role: "billing", profile: 2,
                "password = \"0123456789abcdef0123\"", "chargepoint_id = \"BILL-CP-1\"")
            + operatorBlock(name: "ems-1", url: "ws://[fd00::1]:9000/", role: "data-control", profile: 1,
                "password = \"0123456789abcdef\"", "allow_insecure = true")
            + operatorBlock(name: "ems-2", role: "data-control", profile: 3,
                "client_certificate = \"/etc/cp.crt\"", "client_key = \"/etc/cp.key\"", "ca_file = \"/etc/ca.pem\""))
        #expect(configuration.operators.map(\.name) == ["home", "billing", "ems-1", "ems-2"])
        #expect(configuration.operators.map(\.role) == [.home, .billing, .dataControl, .dataControl])
        #expect(configuration.operators.map(\.chargePointId) == ["CP-1", "BILL-CP-1", "CP-1", "CP-1"])
        #expect(configuration.operators[3].clientKey == "/etc/cp.key")
        #expect(configuration.operators.allSatisfy { $0.enabled })
    }

    @Test("each rule names the line and key", arguments: [
        (operatorBlock(url: "http://csms.example.com/"), "chargeplex.toml:11: operators[0].url: must start with ws:// or wss://"),
        (operatorBlock(url: "wss://"), "chargeplex.toml:11: operators[0].url: needs a host, e.g. wss://csms.example.com/ocpp"),
        (operatorBlock(url: "wss://:443/x"), "chargeplex.toml:11: operators[0].url: needs a host, e.g. wss://csms.example.com/ocpp"),
        (operatorBlock(url: "wss://host:70000/"), "chargeplex.toml:11: operators[0].url: port must be a number from 1 to 65535"),
        (operatorBlock(url: "wss://host:/"), "chargeplex.toml:11: operators[0].url: port must be a number from 1 to 65535"),
        (operatorBlock(url: "wss://host/ocpp?x=1"), "chargeplex.toml:11: operators[0].url: must not have a query (?) or fragment (#)"),
        (operatorBlock(url: "wss://a host/"), "chargeplex.toml:11: operators[0].url: must not contain spaces or control characters"),
        (operatorBlock(url: "wss://[::1/"), "chargeplex.toml:11: operators[0].url: has an unclosed [ in an IPv6 address"),
        (operatorBlock(url: "ws://csms.example.com/"),
         "chargeplex.toml:11: operators[0].url: ws:// is not encrypted; use wss://, or set allow_insecure = true on closed networks and test benches only"),
        (operatorBlock(url: "ws://csms.example.com/", profile: 2, "password = \"0123456789abcdef\"", "allow_insecure = true"),
         "chargeplex.toml:11: operators[0].url: security_profile 2 needs wss://"),
        (operatorBlock(url: "ws://csms.example.com/", profile: 3, "client_certificate = \"/c\"", "client_key = \"/k\""),
         "chargeplex.toml:11: operators[0].url: security_profile 3 needs wss://"),
        (operatorBlock(url: "ws://h/", profile: 1, "allow_insecure = true"),
         "chargeplex.toml:9: operators[0].password: security_profile 1 needs a password (the AuthorizationKey, 16 to 40 characters)"),
        (operatorBlock(profile: 2, "password = \"short\""), "chargeplex.toml:15: operators[0].password: must be 16 to 40 characters"),
        (operatorBlock(profile: 2, "password = \"\(String(repeating: "p", count: 41))\""),
         "chargeplex.toml:15: operators[0].password: must be 16 to 40 characters"),
        (operatorBlock(profile: 2, "password = \"0123456789 abcdef\""),
         "chargeplex.toml:15: operators[0].password: must be printable ASCII characters without spaces"),
        (operatorBlock(profile: 0, "password = \"0123456789abcdef\""),
         "chargeplex.toml:15: operators[0].password: only security_profile 1 and 2 send a password; remove it or change the profile"),
        (operatorBlock(profile: 3, "client_key = \"/k\""),
         "chargeplex.toml:9: operators[0].client_certificate: security_profile 3 needs a client certificate and its private key (PEM file paths)"),
        (operatorBlock(profile: 2, "password = \"0123456789abcdef\"", "client_key = \"/k\""),
         "chargeplex.toml:16: operators[0].client_key: client_certificate and client_key go together (used on security_profile 3, or after an upgrade to it)"),
        (operatorBlock(url: "ws://h/", "allow_insecure = true", "ca_file = \"/ca.pem\""),
         "chargeplex.toml:16: operators[0].ca_file: only used with wss://"),
        (operatorBlock(profile: 4), "chargeplex.toml:13: operators[0].security_profile: must be from 0 to 3 (found 4)"),
        (operatorBlock(name: "Home_1"), "chargeplex.toml:10: operators[0].name: must be 1 to 32 characters of a-z, 0-9 and -"),
        (operatorBlock(role: "Billing"),
         "chargeplex.toml:12: operators[0].role: must be one of \"home\", \"billing\", \"data-control\""),
        (operatorBlock("chargepoint_id = \"CP/1\""),
         "chargeplex.toml:15: operators[0].chargepoint_id: must be 1 to 48 characters of A-Z, a-z, 0-9, -, ., _ and ~"),
        (operatorBlock("pasword = \"0123456789abcdef\""),
         "chargeplex.toml:15: operators[0].pasword: unknown key (did you mean password?)"),
        (operatorBlock("allow_insecure = 1"), "chargeplex.toml:15: operators[0].allow_insecure: expected true or false, found an integer"),
    ] as [(String, String)])
    func singleRule(block: String, message: String) throws {
        let error = try #require(configurationError(minimalConfiguration + block))
        #expect(error.issues.map(\.description) == [message])
    }

    @Test("two billing operators: the second one's role is refused, and so is the list")
    func twoBilling() throws {
        let error = try #require(configurationError(minimalConfiguration
            + operatorBlock(name: "a", role: "billing") + operatorBlock(name: "b", role: "billing")))
        #expect(error.description
            == "chargeplex.toml:18: operators[1].role: operators[0] is already billing; at most one operator may be billing")
    }

    @Test("two home operators")
    func twoHome() throws {
        let error = try #require(configurationError(minimalConfiguration
            + operatorBlock(name: "a") + operatorBlock(name: "b", role: "data-control") + operatorBlock(name: "c")))
        #expect(error.description
            == "chargeplex.toml:24: operators[2].role: operators[0] is already home; at most one operator may be home")
    }

    @Test("two operators with the same name")
    func duplicateName() throws {
        let error = try #require(configurationError(minimalConfiguration
            + operatorBlock(name: "dup") + operatorBlock(name: "dup", role: "billing")))
        #expect(error.description == "chargeplex.toml:16: operators[1].name: operators[0] already has this name; names must be unique")
    }

    @Test("a disabled operator still counts for the list rules")
    func disabledCounts() throws {
        let error = try #require(configurationError(minimalConfiguration
            + operatorBlock(name: "a", role: "billing").replacingEnabled()
            + operatorBlock(name: "b", role: "billing")))
        #expect(error.keyPath == "operators[1].role")
    }

    @Test("required operator keys are reported at the block's header")
    func missingKeys() throws {
        let error = try #require(configurationError(minimalConfiguration + "[[operators]]\nname = \"x\"\n"))
        #expect(error.issues.map(\.description) == [
            "chargeplex.toml:9: operators[0].security_profile: required key is missing",
            "chargeplex.toml:9: operators[0].url: required key is missing",
            "chargeplex.toml:9: operators[0].role: required key is missing",
        ])
    }

    @Test("every problem of a list is reported at once")
    func collected() throws {
        let error = try #require(configurationError(minimalConfiguration
            + operatorBlock(name: "a", url: "tcp://x") + operatorBlock(name: "a", role: "home", profile: 1)))
        #expect(error.issues.map(\.description) == [
            "chargeplex.toml:11: operators[0].url: must start with ws:// or wss://",
            "chargeplex.toml:15: operators[1].password: security_profile 1 needs a password (the AuthorizationKey, 16 to 40 characters)",
            "chargeplex.toml:16: operators[1].name: operators[0] already has this name; names must be unique",
            "chargeplex.toml:18: operators[1].role: operators[0] is already home; at most one operator may be home",
        ])
    }

    @Test("validateList serves a pushed list with the same reasons")
    func pushedList() {
        let good = OperatorEntry(name: "home", url: "wss://h.example/ocpp", chargePointId: "CP", role: .home)
        #expect(OperatorEntry.validateList([]).isEmpty)
        #expect(OperatorEntry.validateList([good]).isEmpty)

        var second = good
        second.url = "ws://h.example/ocpp"
        second.securityProfile = 2
        second.password = "0123456789abcdef"
        let problems = OperatorEntry.validateList([good, second])
        #expect(problems.map(\.description) == [
            "operators[1].url: security_profile 2 needs wss://",
            "operators[1].name: operators[0] already has this name; names must be unique",
            "operators[1].role: operators[0] is already home; at most one operator may be home",
        ])
        #expect(problems.first == OperatorEntry.Problem(index: 1, field: .url, reason: "security_profile 2 needs wss://"))
    }

    @Test("URLs the connection accepts", arguments: [
        "wss://csms.example.com", "wss://csms.example.com/", "WSS://CSMS.example.com:443/ocpp/v16/",
        "wss://10.0.0.1:9000/ocpp", "wss://[2001:db8::1]/ocpp", "wss://[2001:db8::1]:8443",
        "wss://csms.example.com/ocpp/{id}/", "wss://csms.example.com/{id}/ocpp",
    ])
    func acceptedURLs(url: String) {
        #expect(OperatorURL.problem(with: url) == nil)
    }

    @Test("{id} stands once, in the path, and braces serve for nothing else", arguments: [
        ("wss://{id}.example.com/ocpp",
         "{id} may only stand in the path, where the charge point id goes, e.g. wss://csms.example.com/ocpp/{id}/"),
        ("wss://host:{id}/ocpp",
         "{id} may only stand in the path, where the charge point id goes, e.g. wss://csms.example.com/ocpp/{id}/"),
        ("wss://host/{id}/{id}", "{id} may stand only once"),
        ("wss://host/ocpp/{ID}/", "braces are only for {id}, where the charge point id goes (lower case, nothing else inside)"),
        ("wss://host/ocpp/{chargepoint}", "braces are only for {id}, where the charge point id goes (lower case, nothing else inside)"),
        ("wss://host/ocpp/{id", "braces are only for {id}, where the charge point id goes (lower case, nothing else inside)"),
    ] as [(String, String)])
    func placeholderRules(url: String, reason: String) throws {
        #expect(OperatorURL.problem(with: url) == reason)
        let error = try #require(configurationError(minimalConfiguration + operatorBlock(url: url)))
        #expect(error.issues.map(\.description) == ["chargeplex.toml:11: operators[0].url: \(reason)"])
    }

    @Test("the URL the charge point connects to has the id where {id} says, or at the end")
    func connectionURL() {
        func url(_ template: String) -> String {
            OperatorEntry(name: "a", url: template, chargePointId: "CP-7", role: .home).connectionURL
        }
        #expect(url("wss://cs.example/ocpp/{id}/") == "wss://cs.example/ocpp/CP-7/")
        #expect(url("wss://cs.example/{id}/ocpp") == "wss://cs.example/CP-7/ocpp")
        #expect(url("wss://cs.example/ocpp/") == "wss://cs.example/ocpp/CP-7")
        #expect(url("wss://cs.example") == "wss://cs.example/CP-7")
    }

    @Test("a URL carrying credentials is refused without repeating them")
    func credentialsInURL() throws {
        let error = try #require(configurationError(minimalConfiguration
            + operatorBlock(url: "wss://cp1:Sup3rSecretKey123@csms.example.com/")))
        #expect(error.description == "chargeplex.toml:11: operators[0].url: "
            + "must not carry a user name or password; use the password key (security profile 1 or 2)")
    }
}

private extension String {
    func replacingEnabled() -> String {
        split(separator: "\n").map { $0 == "enabled = true" ? "enabled = false" : String($0) }.joined(separator: "\n") + "\n"
    }
}
