import Foundation
import Link
import Testing

/// Firmware downloads against a real Python web server, plain and over TLS, and against
/// `openssl s_server` for a certificate the system store does not trust.
@Suite(.timeLimit(.minutes(3))) final class HTTPDownloadTests: Sendable {
    let directory: String
    /// 300 KB of random bytes, served as /firmware.bin.
    static let firmware = (0..<300 * 1024).map { _ in UInt8.random(in: 0...255) }
    var firmware: [UInt8] { Self.firmware }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chargeplex-download-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/served", withIntermediateDirectories: true)
        try Data(Self.firmware).write(to: URL(fileURLWithPath: directory + "/served/firmware.bin"))
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var destination: String { directory + "/firmware.bin" }

    func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Neither the file nor its `.part` exists.
    func nothingLeft(at path: String) -> Bool {
        !FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + ".part")
    }

    /// The reason of the `downloadFailed` that `body` throws.
    func failure(_ body: () async throws(LinkError) -> Int) async -> String? {
        do {
            let bytes = try await body()
            Issue.record("the download succeeded with \(bytes) bytes")
            return nil
        } catch {
            guard case .downloadFailed(let reason) = error else {
                Issue.record("not downloadFailed: \(error)")
                return nil
            }
            #expect(error.description == "download failed: \(reason)")
            return reason
        }
    }

    @Test func downloadsAFileOverHTTP() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let bytes = try await HTTPDownload.fetch("\(server.base)/firmware.bin", to: destination)
        #expect(bytes == firmware.count)
        #expect(contents(destination) == firmware)
        #expect(!FileManager.default.fileExists(atPath: destination + ".part"))
    }

    @Test func uploadsWithPUTPlainAndOverTLS() async throws {
        let report = Array("diagnostics\n".utf8) + firmware
        let plain = try await HTTPFileServer.start(serving: directory + "/served")
        defer { plain.kill() }
        try await HTTPDownload.put(report, to: "\(plain.base)/uploads/report-1.txt")
        #expect(contents(directory + "/served/put-report-1.txt") == report)

        let pki = try TestCertificates.shared.get()
        let secure = try await HTTPFileServer.start(
            serving: directory + "/served", certificate: pki.certificate("server"), key: pki.key("server"))
        defer { secure.kill() }
        try await HTTPDownload.put(report, to: "https://localhost:\(secure.port)/uploads/report-2.txt", trustedCertificatesFile: pki.caFile)
        #expect(contents(directory + "/served/put-report-2.txt") == report)
    }

    @Test func aRefusedUploadNamesTheStatus() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        do {
            try await HTTPDownload.put(Array("x".utf8), to: "\(server.base)/refuse/report.txt")
            Issue.record("the upload succeeded")
        } catch {
            #expect(error == .uploadFailed("the server answered HTTP 403 Forbidden"))
        }
        do {
            try await HTTPDownload.put(Array("x".utf8), to: "ftp://127.0.0.1/report.txt")
            Issue.record("the upload succeeded")
        } catch {
            #expect(error.description.hasPrefix("upload failed: unsupported scheme ftp://"))
        }
    }

    @Test func sendsHostUserAgentAndConnectionClose() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        _ = try await HTTPDownload.fetch("\(server.base)/headers?x=1#fragment", to: destination)
        let request = String(decoding: contents(destination) ?? [], as: UTF8.self)
        #expect(request.hasPrefix("GET /headers?x=1 HTTP/1.1\n"))
        #expect(request.contains("\nHost: 127.0.0.1:\(server.port)\n"))
        #expect(request.contains("\nUser-Agent: chargeplex\n"))
        #expect(request.contains("\nConnection: close\n"))
    }

    @Test func sendsTheURLsUserAndPasswordAsBasicAuthorization() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let url = "http://fw%20user:p%40ss:word@127.0.0.1:\(server.port)/headers"
        _ = try await HTTPDownload.fetch(url, to: destination)
        let request = String(decoding: contents(destination) ?? [], as: UTF8.self)
        // base64("fw user:p@ss:word")
        #expect(request.contains("\nAuthorization: Basic ZncgdXNlcjpwQHNzOndvcmQ=\n"))
        #expect(request.contains("\nHost: 127.0.0.1:\(server.port)\n"))
    }

    @Test func credentialsFollowARedirectToTheSameServerOnly() async throws {
        let first = try await HTTPFileServer.start(serving: directory + "/served")
        defer { first.kill() }
        let second = try await HTTPFileServer.start(serving: directory + "/served")
        defer { second.kill() }
        let credentials = "http://u:secret@127.0.0.1:\(first.port)"
        _ = try await HTTPDownload.fetch("\(credentials)/redirect-to?\(first.base)/headers", to: destination)
        let same = String(decoding: contents(destination) ?? [], as: UTF8.self)
        #expect(same.contains("\nAuthorization: Basic "))
        _ = try await HTTPDownload.fetch("\(credentials)/redirect-to?\(second.base)/headers", to: destination)
        let other = String(decoding: contents(destination) ?? [], as: UTF8.self)
        #expect(other.hasPrefix("GET /headers HTTP/1.1\n"))
        #expect(!other.contains("Authorization"))
    }

    @Test func downloadsOverHTTPSWithTheTrustedAuthority() async throws {
        let pki = try TestCertificates.shared.get()
        let server = try await HTTPFileServer.start(
            serving: directory + "/served", certificate: pki.certificate("server"), key: pki.key("server"))
        defer { server.kill() }
        for host in ["localhost", "127.0.0.1"] {
            let bytes = try await HTTPDownload.fetch(
                "https://\(host):\(server.port)/firmware.bin", to: destination, trustedCertificatesFile: pki.caFile)
            #expect(bytes == firmware.count)
            #expect(contents(destination) == firmware)
            try FileManager.default.removeItem(atPath: destination)
        }
    }

    @Test func refusesAServerTheSystemStoreDoesNotTrust() async throws {
        let pki = try TestCertificates.shared.get()
        let server = try await TLSServerPeer.start(certificate: pki.certificate("server"), key: pki.key("server"))
        defer { server.kill() }
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("https://localhost:\(server.port)/firmware.bin", to: destination)
        }
        #expect(reason?.contains("certificate") == true)
        #expect(reason?.contains("unable to get local issuer certificate") == true)
        #expect(nothingLeft(at: destination))
    }

    @Test func followsARedirect() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let bytes = try await HTTPDownload.fetch("\(server.base)/redirect", to: destination)
        #expect(bytes == firmware.count)
        #expect(contents(destination) == firmware)
    }

    @Test func givesUpAfterThreeRedirects() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let reason = await failure { () throws(LinkError) in try await HTTPDownload.fetch("\(server.base)/loop", to: destination) }
        #expect(reason?.contains("more than 3 redirects") == true)
        #expect(nothingLeft(at: destination))
    }

    @Test func refusesARelativeRedirect() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("\(server.base)/relative", to: destination)
        }
        #expect(reason?.contains("relative Location") == true)
        #expect(nothingLeft(at: destination))
    }

    @Test func namesTheStatusOfAnythingButOK() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("\(server.base)/absent.bin", to: destination)
        }
        #expect(reason == "the server answered HTTP 404 Not Found")
        #expect(nothingLeft(at: destination))
    }

    @Test(arguments: ["/firmware.bin", "/stream"])
    func refusesAFileLargerThanTheLimit(path: String) async throws {
        // /firmware.bin announces its length; /stream does not, so the limit is found while reading.
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("\(server.base)\(path)", to: destination, maximumBytes: 100_000)
        }
        #expect(reason?.contains("limit of 100000") == true)
        #expect(nothingLeft(at: destination))
    }

    @Test func readsABodyThatEndsWithTheConnection() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let bytes = try await HTTPDownload.fetch("\(server.base)/stream", to: destination)
        #expect(bytes == firmware.count)
        #expect(contents(destination) == firmware)
    }

    @Test func refusesABodyShorterThanItsLength() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("\(server.base)/truncated", to: destination)
        }
        #expect(reason == "the connection closed after 500 of 1000 bytes")
        #expect(nothingLeft(at: destination))
    }

    @Test func givesUpAtTheTimeout() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("\(server.base)/hang", to: destination, timeout: .seconds(1))
        }
        #expect(reason == "not complete within 1.0 seconds")
        #expect(nothingLeft(at: destination))
    }

    @Test func saysWhyItCannotConnect() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        server.kill()
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("\(server.base)/firmware.bin", to: destination)
        }
        #expect(reason == "cannot connect to 127.0.0.1:\(server.port): Connection refused")
        #expect(nothingLeft(at: destination))
    }

    @Test(arguments: [
        ("ftp://example.com/firmware.bin", "unsupported scheme ftp://: only http:// and https:// are supported"),
        ("firmware.bin", "cannot parse the URL 'firmware.bin': it must start with http:// or https://"),
        ("http:///firmware.bin", "cannot parse the URL: no host in http:///firmware.bin"),
        ("http://example.com:99999/x", "cannot parse the URL: bad port in http://example.com:99999/x"),
        ("http://example.com/a b", "cannot parse the URL 'http://example.com/a b': it contains spaces or control characters"),
        // A reason is logged and goes into diagnostics reports: no password in it.
        ("https://user:sec%zzret@example.com/fw.bin", "cannot parse the user name and password of https://user:<redacted>@example.com/fw.bin"),
        ("https://:secret@example.com/fw.bin", "cannot parse the user name and password of https://:<redacted>@example.com/fw.bin"),
        ("https://user:secret@/fw.bin", "cannot parse the URL: no host in https://user:<redacted>@/fw.bin"),
        ("https://user:sec ret@example.com/fw.bin", "cannot parse the URL: it contains spaces or control characters"),
    ])
    func refusesURLsItCannotFetch(url: String, expected: String) async throws {
        let reason = await failure { () throws(LinkError) in try await HTTPDownload.fetch(url, to: destination) }
        #expect(reason == expected)
        #expect(nothingLeft(at: destination))
    }

    @Test func saysWhyTheFileCannotBeWritten() async throws {
        let server = try await HTTPFileServer.start(serving: directory + "/served")
        defer { server.kill() }
        let path = directory + "/absent/firmware.bin"
        let reason = await failure { () throws(LinkError) in
            try await HTTPDownload.fetch("\(server.base)/firmware.bin", to: path)
        }
        #expect(reason == "cannot write \(path).part: No such file or directory")
    }
}

/// Python's `http.server` serving a directory, with TLS when given a certificate, plus a
/// few paths that misbehave on purpose. It prints its port, then serves until its stdin
/// closes, which happens at the latest when the test process ends.
struct HTTPFileServer: Sendable {
    let process: PeerProcess
    let port: Int
    let isTLS: Bool

    var base: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }

    static let script = """
        import http.server, os, ssl, sys, threading
        directory = sys.argv[1]

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=directory, **kwargs)

            def log_message(self, *args):
                pass

            def answer(self, status, headers, body=b""):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                base = ("https" if len(sys.argv) > 2 else "http") + "://127.0.0.1:%d" % self.server.server_address[1]
                firmware = os.path.join(directory, "firmware.bin")
                try:
                    if self.path == "/redirect":
                        self.answer(302, [("Location", base + "/firmware.bin"), ("Content-Length", "0")])
                    elif self.path.startswith("/redirect-to?"):
                        self.answer(302, [("Location", self.path.split("?", 1)[1]), ("Content-Length", "0")])
                    elif self.path == "/loop":
                        self.answer(307, [("Location", base + "/loop"), ("Content-Length", "0")])
                    elif self.path == "/relative":
                        self.answer(301, [("Location", "/firmware.bin"), ("Content-Length", "0")])
                    elif self.path == "/stream":
                        # No Content-Length: the body ends when the connection closes (HTTP/1.0).
                        self.answer(200, [], open(firmware, "rb").read())
                    elif self.path == "/truncated":
                        self.answer(200, [("Content-Length", "1000")], b"x" * 500)
                    elif self.path == "/hang":
                        threading.Event().wait()
                    elif self.path.startswith("/headers"):
                        lines = ["%s %s %s" % (self.command, self.path, self.request_version)]
                        lines += ["%s: %s" % item for item in self.headers.items()]
                        self.answer(200, [], "\\n".join(lines).encode() + b"\\n")
                    else:
                        super().do_GET()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/refuse/"):
                    return self.answer(403, [("Content-Length", "0")])
                with open(os.path.join(directory, "put-" + os.path.basename(self.path)), "wb") as f:
                    f.write(body)
                self.answer(201, [("Content-Length", "0")])

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if len(sys.argv) > 2:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
        server.serve_forever()
        """

    static func start(serving directory: String, certificate: String? = nil, key: String? = nil) async throws -> HTTPFileServer {
        let python = ProcessInfo.processInfo.environment["CHARGEPLEX_PYTHON"] ?? "python3"
        var arguments = [python, "-u", "-c", script, directory]
        if let certificate, let key { arguments += [certificate, key] }
        let process = try PeerProcess(name: "http server", executable: "/usr/bin/env", arguments: arguments)
        let (_, line) = try await process.expect("listening port") { Int($0.text) != nil }
        return HTTPFileServer(process: process, port: Int(line.text)!, isTLS: certificate != nil)
    }

    func kill() { process.kill() }
}
