import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file fetched over HTTP or HTTPS (the firmware of an UpdateFirmware request), or
/// sent with PUT (the diagnostics of a GetDiagnostics request).
///
/// Each request gets its own connection, with this pipeline from the socket up:
/// `TLSClientHandler` (https only) → NIO's HTTP/1.1 request encoder and response decoder →
/// `HTTPDownloadHandler`, which writes the body to the file as it arrives.
public enum HTTPDownload {
    static let maximumRedirects = 3

    /// Fetches `url` (http:// or https://) with one GET and writes the body to `path`
    /// (written to `path + ".part"`, fsync'ed, then renamed to `path`, so a power cut never leaves half a file under the final name).
    /// Follows up to 3 redirects (301, 302, 303, 307, 308) with an absolute Location.
    /// Returns the number of bytes written.
    ///
    /// `trustedCertificatesFile` is the PEM file of authorities an https server must chain
    /// to; nil means the system store. `timeout` covers the whole download, redirects
    /// included. Every failure throws `LinkError.downloadFailed` and removes the `.part`
    /// file; a file already at `path` is only ever replaced by a complete download.
    public static func fetch(
        _ url: String, to path: String, trustedCertificatesFile: String? = nil,
        maximumBytes: Int = 64 * 1024 * 1024, timeout: Duration = .seconds(300),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(LinkError) -> Int {
        let target = try DownloadURL(url)
        let partPath = path + ".part"
        let file = open(partPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw .downloadFailed("cannot write \(partPath): \(errnoText())") }
        let bytes: Int
        do throws(LinkError) {
            bytes = try await follow(
                target, file: file, filePath: partPath, trustedCertificatesFile: trustedCertificatesFile,
                maximumBytes: maximumBytes, timeout: timeout, group: group)
        } catch {
            close(file)
            unlink(partPath)
            throw error
        }
        try await commit(file, from: partPath, to: path)
        return bytes
    }

    /// Sends `bytes` to `url` (http:// or https://) with one PUT, as `curl -T` does; any
    /// 2xx answer means stored. No redirects are followed. Failures throw
    /// `LinkError.uploadFailed` with the reason.
    public static func put(
        _ bytes: [UInt8], to url: String, trustedCertificatesFile: String? = nil, timeout: Duration = .seconds(120),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(LinkError) {
        do throws(LinkError) {
            let target = try DownloadURL(url)
            var tls: TLSContext?
            if target.isSecure {
                do throws(LinkError) {
                    tls = try TLSContext(trustedCertificatesFile: trustedCertificatesFile, clientCertificateFile: nil, clientKeyFile: nil)
                } catch {
                    guard case .invalidConfiguration(let text) = error else { throw error }
                    throw .downloadFailed(text)
                }
            }
            var body = ByteBuffer()
            body.writeBytes(bytes)
            let outcome = try await request(
                target, tls: tls, file: -1, filePath: "", maximumBytes: 0, remaining: timeout, timeout: timeout,
                group: group, body: body)
            if case .redirected(let status, let location) = outcome {
                throw .downloadFailed("the server answered HTTP \(status) to \(location); uploads follow no redirects")
            }
        } catch {
            // The request machinery speaks of downloads; this was an upload.
            if case .downloadFailed(let reason) = error { throw .uploadFailed(reason) }
            throw error
        }
    }

    /// GETs `target`, and the Location of each redirect, until a 200 body is in `file`.
    private static func follow(
        _ target: DownloadURL, file: Int32, filePath: String, trustedCertificatesFile: String?,
        maximumBytes: Int, timeout: Duration, group: any EventLoopGroup
    ) async throws(LinkError) -> Int {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var target = target
        var tls: TLSContext?
        var redirects = 0
        while true {
            if target.isSecure, tls == nil {
                do throws(LinkError) {
                    tls = try TLSContext(
                        trustedCertificatesFile: trustedCertificatesFile, clientCertificateFile: nil, clientKeyFile: nil)
                } catch {
                    // Only configuration errors come from here: "cannot load trusted certificates from ...".
                    guard case .invalidConfiguration(let text) = error else { throw error }
                    throw .downloadFailed(text)
                }
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw .downloadFailed("not complete within \(timeout)") }
            let outcome = try await request(
                target, tls: tls, file: file, filePath: filePath, maximumBytes: maximumBytes,
                remaining: remaining, timeout: timeout, group: group)
            switch outcome {
            case .complete(let bytes):
                return bytes
            case .redirected(let status, let location):
                guard location.firstRange(of: "://") != nil else {
                    throw .downloadFailed("HTTP \(status) to a relative Location is not supported: \(location)")
                }
                redirects += 1
                guard redirects <= maximumRedirects else {
                    throw .downloadFailed("more than \(maximumRedirects) redirects (the last to \(location))")
                }
                target = try DownloadURL(location)
            }
        }
    }

    private struct Started: Sendable {
        let channel: any Channel
        let outcome: EventLoopFuture<HTTPDownloadHandler.Outcome>
    }

    /// One GET on its own connection, the answer's body going to `file`; or, with `body`,
    /// one PUT of it, the answer's body ignored.
    private static func request(
        _ target: DownloadURL, tls: TLSContext?, file: Int32, filePath: String, maximumBytes: Int,
        remaining: Duration, timeout: Duration, group: any EventLoopGroup, body: ByteBuffer? = nil
    ) async throws(LinkError) -> HTTPDownloadHandler.Outcome {
        let started: Started
        do {
            started = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(remaining))
                .connect(host: target.host, port: target.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls {
                            try pipeline.addHandler(
                                TLSClientHandler(context: tls, serverName: target.host, serverNameIsAddress: target.hostIsAddress))
                        }
                        try pipeline.addHTTPClientHandlers()
                        let outcome = channel.eventLoop.makePromise(of: HTTPDownloadHandler.Outcome.self)
                        do {
                            try pipeline.addHandler(
                                HTTPDownloadHandler(
                                    request: target.requestHead(uploading: body?.readableBytes), file: file, filePath: filePath,
                                    maximumBytes: maximumBytes, outcome: outcome, upload: body))
                        } catch {
                            outcome.fail(error)
                            throw error
                        }
                        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(remaining)) {
                            channel.pipeline.fireErrorCaught(LinkError.downloadFailed("not complete within \(timeout)"))
                            channel.close(promise: nil)
                        }
                        outcome.futureResult.whenComplete { _ in deadline.cancel() }
                        return Started(channel: channel, outcome: outcome.futureResult)
                    }
                }
        } catch {
            throw .downloadFailed("cannot connect to \(target.hostHeader): \(WebSocketConnector.describe(connectionError: error))")
        }
        defer { started.channel.close(promise: nil) }
        do {
            return try await withTaskCancellationHandler {
                try await started.outcome.get()
            } onCancel: {
                started.channel.pipeline.fireErrorCaught(LinkError.downloadFailed("cancelled"))
                started.channel.close(promise: nil)
            }
        } catch let error as LinkError {
            throw error
        } catch {
            throw .downloadFailed("\(error)")
        }
    }

    /// fsync, close and rename, on NIO's thread pool: flushing megabytes to flash can take
    /// seconds, too long to hold a Swift concurrency thread. The directory is synced too, so
    /// the rename itself survives a power cut.
    private static func commit(_ file: Int32, from partPath: String, to path: String) async throws(LinkError) {
        let failure: String?
        do {
            failure = try await NIOThreadPool.singleton.runIfActive { () -> String? in
                if fsync(file) != 0 {
                    let text = "cannot write \(partPath): \(errnoText())"
                    close(file)
                    return text
                }
                if close(file) != 0 { return "cannot write \(partPath): \(errnoText())" }
                if rename(partPath, path) != 0 { return "cannot rename \(partPath) to \(path): \(errnoText())" }
                let slash = path.lastIndex(of: "/")
                let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
                let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if descriptor >= 0 {
                    _ = fsync(descriptor)
                    close(descriptor)
                }
                return nil
            }
        } catch {
            close(file)
            failure = "cannot finish writing \(partPath): \(error)"
        }
        if let failure {
            unlink(partPath)
            throw .downloadFailed(failure)
        }
    }
}

/// The text of the current `errno`: "No space left on device", "Permission denied", ...
private func errnoText() -> String { String(cString: strerror(errno)) }

/// An http:// or https:// URL taken apart for one GET, without Foundation's URL type.
struct DownloadURL: Sendable, Equatable {
    var isSecure: Bool
    /// The host name or IP address, IPv6 without brackets.
    var host: String
    var port: Int
    /// The HTTP request target: path and query, without the fragment.
    var target: String

    init(_ url: String) throws(LinkError) {
        let lowered = url.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            isSecure = true
            rest = url.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            isSecure = false
            rest = url.dropFirst(7)
        } else if let scheme = url.firstRange(of: "://"), !url[..<scheme.lowerBound].isEmpty {
            throw .downloadFailed("unsupported scheme \(url[..<scheme.upperBound]): only http:// and https:// are supported")
        } else {
            throw .downloadFailed("cannot parse the URL '\(url)': it must start with http:// or https://")
        }
        guard !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .downloadFailed("cannot parse the URL '\(url)': it contains spaces or control characters")
        }
        let withoutFragment = rest.prefix { $0 != "#" }
        let authority = withoutFragment.prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains("@") else {
            throw .downloadFailed("user names and passwords in the URL are not supported: \(url)")
        }
        do throws(LinkError) {
            (host, port) = try OperatorEndpoint.hostAndPort(authority, defaultPort: isSecure ? 443 : 80, url: url)
        } catch {
            guard case .invalidConfiguration(let text) = error else { throw error }
            throw .downloadFailed("cannot parse the URL: \(text)")
        }
        let pathAndQuery = withoutFragment.dropFirst(authority.count)
        target = pathAndQuery.hasPrefix("/") ? String(pathAndQuery) : "/" + pathAndQuery
    }

    /// The `Host` header: the port is named only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Whether `host` is an address literal: those get IP verification and no SNI.
    var hostIsAddress: Bool { OperatorEndpoint.isAddress(host) }

    /// A GET, or a PUT of `uploading` bytes.
    func requestHead(uploading: Int? = nil) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        headers.add(name: "User-Agent", value: "chargeplex")
        headers.add(name: "Connection", value: "close")
        if let uploading {
            headers.add(name: "Content-Length", value: String(uploading))
            headers.add(name: "Content-Type", value: "application/octet-stream")
        }
        return HTTPRequestHead(version: .http1_1, method: uploading == nil ? .GET : .PUT, uri: target, headers: headers)
    }
}

/// Sends the GET once the channel is active, writes the body of a 200 answer to the file as
/// it arrives and reports how the exchange ended: complete, redirected or failed, always as a
/// `LinkError.downloadFailed`. It closes the connection once the outcome is known.
///
/// The body goes to the file with plain `write(2)` on the event loop: the page cache takes it
/// at once. The slow part, `fsync`, is `HTTPDownload`'s, on a thread pool.
final class HTTPDownloadHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    enum Outcome: Sendable {
        case complete(bytes: Int)
        case redirected(status: Int, location: String)
    }

    private enum State { case connecting, waitingForHead, receivingBody(expected: Int?), finished }

    private let request: HTTPRequestHead
    private let file: Int32
    private let filePath: String
    private let maximumBytes: Int
    private let outcome: EventLoopPromise<Outcome>
    /// The body of a PUT; the answer's body is then read and dropped.
    private let upload: ByteBuffer?
    private var state = State.connecting
    private var written = 0

    init(
        request: HTTPRequestHead, file: Int32, filePath: String, maximumBytes: Int, outcome: EventLoopPromise<Outcome>,
        upload: ByteBuffer? = nil
    ) {
        self.request = request
        self.file = file
        self.filePath = filePath
        self.maximumBytes = maximumBytes
        self.outcome = outcome
        self.upload = upload
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(.downloadFailed(closedReason)), context: nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(.downloadFailed(closedReason)), context: nil)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (state, unwrapInboundIn(data)) {
        case (.waitingForHead, .head(let head)) where upload != nil:
            let status = Int(head.status.code)
            guard (200..<300).contains(status) else {
                return fail("the server answered HTTP \(status) \(head.status.reasonPhrase)", context: context)
            }
            state = .receivingBody(expected: nil)
        case (.receivingBody, .body) where upload != nil:
            break
        case (.receivingBody, .end) where upload != nil:
            finish(.success(.complete(bytes: upload?.readableBytes ?? 0)), context: context)
        case (.waitingForHead, .head(let head)):
            let status = Int(head.status.code)
            if [301, 302, 303, 307, 308].contains(status) {
                guard let location = head.headers["Location"].first else {
                    return fail("HTTP \(status) \(head.status.reasonPhrase) without a Location", context: context)
                }
                return finish(.success(.redirected(status: status, location: location)), context: context)
            }
            guard status == 200 else {
                return fail("the server answered HTTP \(status) \(head.status.reasonPhrase)", context: context)
            }
            let expected = head.headers["Content-Length"].first.flatMap { Int($0) }
            if let expected, expected > maximumBytes {
                return fail("the file is \(expected) bytes, more than the limit of \(maximumBytes)", context: context)
            }
            state = .receivingBody(expected: expected)
        case (.receivingBody, .body(let buffer)):
            guard written + buffer.readableBytes <= maximumBytes else {
                return fail("the file is larger than the limit of \(maximumBytes) bytes", context: context)
            }
            let error = buffer.withUnsafeReadableBytes { bytes -> Int32 in
                var offset = 0
                while offset < bytes.count {
                    let count = write(file, bytes.baseAddress! + offset, bytes.count - offset)
                    if count < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += count
                }
                return 0
            }
            guard error == 0 else {
                return fail("cannot write \(filePath): \(String(cString: strerror(error)))", context: context)
            }
            written += buffer.readableBytes
        case (.receivingBody, .end):
            finish(.success(.complete(bytes: written)), context: context)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason =
            switch error {
            case LinkError.tls(let failure): failure.description
            case LinkError.downloadFailed(let text): text
            case let error as LinkError: error.description
            // The decoder's word for a connection that closed inside the body.
            case HTTPParserError.invalidEOFState: closedReason
            case let error as HTTPParserError: "the server's answer is not HTTP (\(error))"
            default: "\(closedReason): \(WebSocketConnector.describe(connectionError: error))"
            }
        fail(reason, context: context)
    }

    private var closedReason: String {
        switch state {
        case .receivingBody(let expected?): "the connection closed after \(written) of \(expected) bytes"
        case .receivingBody(nil): "the connection closed before the response ended, after \(written) bytes"
        default: "the connection closed before the server answered"
        }
    }

    private func sendRequest(context: ChannelHandlerContext) {
        guard case .connecting = state else { return }
        state = .waitingForHead
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        if let upload { context.write(wrapOutboundOut(.body(.byteBuffer(upload))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func fail(_ reason: String, context: ChannelHandlerContext) {
        finish(.failure(.downloadFailed(reason)), context: context)
    }

    /// Reports the first outcome only; nothing is written to the file after it.
    private func finish(_ result: Result<Outcome, LinkError>, context: ChannelHandlerContext?) {
        if case .finished = state { return }
        state = .finished
        outcome.completeWith(result.mapError { $0 as any Error })
        context?.close(promise: nil)
    }
}

@available(*, unavailable)
extension HTTPDownloadHandler: Sendable {}
