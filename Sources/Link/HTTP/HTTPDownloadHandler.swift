import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
