import OCPP16
import Testing

@Suite("URL credentials are masked in any text")
struct SecretsTests {
    @Test("the password of a URL is replaced, the rest kept", arguments: [
        ("https://user:secret@host/fw.bin", "https://user:<redacted>@host/fw.bin"),
        ("firmware from ftp://u:p@10.0.0.1:21/a?x=1 failed", "firmware from ftp://u:<redacted>@10.0.0.1:21/a?x=1 failed"),
        ("location=\"https://a:b@c\"", "location=\"https://a:<redacted>@c\""),
        ("https://a:b:c@d@host/x", "https://a:<redacted>@host/x"),
        ("two: http://a:1@x/ and http://b:2@y/", "two: http://a:<redacted>@x/ and http://b:<redacted>@y/"),
    ])
    func masked(input: String, expected: String) {
        #expect(Secrets.maskingURLCredentials(in: input) == expected)
    }

    @Test("text without credentials is unchanged", arguments: [
        "https://host/fw.bin", "https://user@host/x", "ws://10.0.0.1:9000/ocpp/CP-1", "no url here: a@b", "://", "",
        "time 12:30 at host@x",
    ])
    func unchanged(input: String) {
        #expect(Secrets.maskingURLCredentials(in: input) == input)
    }
}

@Suite("Secrets in OCPP-J frames are masked for the log")
struct FrameMaskingTests {
    @Test("a frame with no secret comes back byte for byte", arguments: [
        #"[2,"m1","Heartbeat",{}]"#,
        #"[2, "m2", "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "300"}]"#,
        #"[3,"m3",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"60"}]}]"#,
        #"[2,"m4","UpdateFirmware",{"location":"https://host/fw.bin","retrieveDate":"2026-01-01T00:00:00Z"}]"#,
        #"[4,"m5","NotSupported","the password is wrong",{}]"#,
    ])
    func unchanged(frame: String) {
        #expect(Secrets.maskingFrame(frame) == frame)
    }

    @Test("the AuthorizationKey of a ChangeConfiguration, in any case")
    func authorizationKey() {
        let frame = #"[2,"m1","ChangeConfiguration",{"key":"AuthorizationKey","value":"0123456789abcdef0123"}]"#
        #expect(Secrets.maskingFrame(frame) == #"[2,"m1","ChangeConfiguration",{"key":"AuthorizationKey","value":"<redacted>"}]"#)
        let lower = #"[2,"m1","ChangeConfiguration",{"value":"0123456789abcdef0123","key":"authorizationkey"}]"#
        #expect(!Secrets.maskingFrame(lower).contains("0123456789abcdef0123"))
    }

    @Test("a configuration key list that names AuthorizationKey")
    func configurationKeyList() {
        let frame = #"[3,"m1",{"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":"s3cr3t-s3cr3t-s3cr3t"},{"key":"HeartbeatInterval","readonly":false,"value":"60"}]}]"#
        let masked = Secrets.maskingFrame(frame)
        #expect(!masked.contains("s3cr3t"))
        #expect(masked.contains(#"{"key":"HeartbeatInterval","readonly":false,"value":"60"}"#))
    }

    @Test("passwords of an operator list pushed as DataTransfer data")
    func pushedOperatorList() {
        let list = #"{"version":3,"operators":[{"name":"billing","url":"wss://b.example/ocpp","role":"billing","securityProfile":2,"password":"billing-pass-0123456"},{"name":"energy","url":"ws://e.example/ocpp","role":"data-control","Password":"energy-pass-0123456"}]}"#
        let frame = JSONWriter.string(.array([
            .integer(2), .string("m1"), .string("DataTransfer"),
            .object(JSONObject([("vendorId", .string("com.chargeplex")), ("messageId", .string("SetOperators")), ("data", .string(list))])),
        ]))
        let masked = Secrets.maskingFrame(frame)
        #expect(!masked.contains("billing-pass") && !masked.contains("energy-pass"))
        // The rest of the list is still there to read.
        #expect(masked.contains(#"\"name\":\"billing\""#) && masked.contains("wss://b.example/ocpp"))
        #expect(masked.contains(#"\"password\":\"<redacted>\""#))
    }

    @Test("URL credentials of UpdateFirmware and GetDiagnostics, also written with escapes", arguments: [
        #"[2,"m1","UpdateFirmware",{"location":"https://user:secret@host/fw.bin","retrieveDate":"2026-01-01T00:00:00Z"}]"#,
        #"[2,"m1","UpdateFirmware",{"location":"https:\/\/user:secret@host\/fw.bin","retrieveDate":"2026-01-01T00:00:00Z"}]"#,
        #"[2,"m1","GetDiagnostics",{"location":"ftp://user:secret\u0040host/logs/"}]"#,
        #"[2,"m1","GetDiagnostics",{"location":"https://user:s\u0065cret@host/logs/"}]"#,
    ])
    func urlCredentials(frame: String) {
        let masked = Secrets.maskingFrame(frame)
        #expect(!masked.contains("secret"))
        #expect(masked.contains("user:<redacted>@host"))
    }

    @Test("hostile JSON cannot carry a secret past the masker", arguments: [
        // The member name written with an escape.
        #"[2,"m1","DataTransfer",{"vendorId":"x","data":"{\"p\\u0061ssword\":\"hidden-1\"}"}]"#,
        // A second `key` member after the one that names the secret.
        #"[2,"m1","ChangeConfiguration",{"key":"AuthorizationKey","key":"Other","value":"hidden-1"}]"#,
        // The value twice.
        #"[2,"m1","ChangeConfiguration",{"key":"AuthorizationKey","value":"hidden-1","value":"hidden-1"}]"#,
        // A secret held in an object or an array instead of a string.
        #"[3,"m1",{"password":{"text":"hidden-1"},"authorizationKey":["hidden-1"]}]"#,
        // JSON in a string in a string.
        #"[2,"m1","DataTransfer",{"vendorId":"x","data":"{\"inner\":\"{\\\"password\\\":\\\"hidden-1\\\"}\"}"}]"#,
        // Not JSON: cut short, or nested deeper than the parser allows.
        #"[2,"m1","DataTransfer",{"vendorId":"x","data":"{\"password\":\"hidden-1\"}""#,
        #"[2,"m1","DataTransfer",{"data":"{\"p\u0061ssword\":\"hidden-1\""#,
        String(repeating: "[", count: 100) + #"{"password":"hidden-1"}"# + String(repeating: "]", count: 100),
        // JSON text nested in strings deeper than the masker looks.
        FrameMaskingTests.nestedInStrings(levels: 5),
    ])
    func hostile(frame: String) {
        #expect(!Secrets.maskingFrame(frame).contains("hidden-1"))
    }

    /// `{"password":"hidden-1"}` as the string of a member, `levels` times over.
    static func nestedInStrings(levels: Int) -> String {
        var document: JSONValue = ["password": "hidden-1"]
        for _ in 0..<levels { document = ["a": .string(JSONWriter.string(document))] }
        return JSONWriter.string(document)
    }

    @Test("text that is not JSON keeps what names no secret, with URL passwords masked")
    func unreadable() {
        #expect(Secrets.maskingFrame("not json at https://a:b@c/x") == "not json at https://a:<redacted>@c/x")
        #expect(Secrets.maskingFrame(#"[2,"m1","Reset""#) == #"[2,"m1","Reset""#)
        #expect(Secrets.maskingFrame("") == "")
    }
}
