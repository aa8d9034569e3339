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
