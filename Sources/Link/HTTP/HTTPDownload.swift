import NIOCore
import NIOHTTP1
import NIOPosix
import OCPP16

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
        // For the agent only: a firmware image is no business of other users.
        let file = open(partPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard file >= 0, fchmod(file, 0o600) == 0 else {
            let reason = errnoText()
            if file >= 0 { close(file) }
            throw .downloadFailed("cannot write \(partPath): \(reason)")
        }
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
            let tls = target.isSecure ? try tlsContext(trusting: trustedCertificatesFile) : nil
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

    /// A TLS context without a client identity, trusting `file` (nil: the system store).
    private static func tlsContext(trusting file: String?) throws(LinkError) -> TLSContext {
        do throws(LinkError) {
            return try TLSContext(trustedCertificatesFile: file, clientCertificateFile: nil, clientKeyFile: nil)
        } catch {
            // Only configuration errors come from here: "cannot load trusted certificates from ...".
            guard case .invalidConfiguration(let text) = error else { throw error }
            throw .downloadFailed(text)
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
            if target.isSecure, tls == nil { tls = try tlsContext(trusting: trustedCertificatesFile) }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw .downloadFailed("not complete within \(timeout)") }
            let outcome = try await request(
                target, tls: tls, file: file, filePath: filePath, maximumBytes: maximumBytes,
                remaining: remaining, timeout: timeout, group: group)
            switch outcome {
            case .complete(let bytes):
                return bytes
            case .redirected(let status, let location):
                let shown = Secrets.maskingURLCredentials(in: location)
                guard location.firstRange(of: "://") != nil else {
                    throw .downloadFailed("HTTP \(status) to a relative Location is not supported: \(shown)")
                }
                redirects += 1
                guard redirects <= maximumRedirects else {
                    throw .downloadFailed("more than \(maximumRedirects) redirects (the last to \(shown))")
                }
                let next = try DownloadURL(location)
                // The password goes to the server it was given for, and nowhere else.
                if next.authorization == nil && next.isSameOrigin(as: target) {
                    var carried = next
                    carried.authorization = target.authorization
                    target = carried
                } else {
                    target = next
                }
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
