import COpenSSL
import NIOCore
import Security

/// TLS client on the system OpenSSL, as one channel handler.
///
/// OpenSSL never sees the socket: ciphertext read by NIO is written into one memory BIO and
/// `SSL_read` turns it into plaintext; plaintext writes go through `SSL_write` and whatever
/// OpenSSL put into the other memory BIO is written to the socket. The event loop stays in
/// charge of all I/O and nothing blocks.
///
/// Writes made before the handshake ends (the HTTP upgrade request) are held back and sent
/// once the server is verified. A failed verification fires a `LinkError.tls` whose reason is
/// OpenSSL's own ("certificate has expired", "hostname mismatch", ...), then closes.
final class TLSClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State { case idle, handshaking, established, closed }

    /// One TLS record's worth of plaintext.
    private static let readChunk = 16 * 1024

    private let tlsContext: TLSContext
    private let serverName: String
    private let serverNameIsAddress: Bool
    private var ssl: OpaquePointer?
    /// Ciphertext from the server, for OpenSSL to read.
    private var networkIn: OpaquePointer?
    /// Ciphertext from OpenSSL, for the server.
    private var networkOut: OpaquePointer?
    private var state = State.idle
    /// Whether any plaintext arrived: a server that hangs up before sending any usually
    /// rejected our certificate (or the lack of one) without saying so.
    private var receivedPlaintext = false
    private var heldWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []

    init(context: TLSContext, serverName: String, serverNameIsAddress: Bool) {
        self.tlsContext = context
        self.serverName = serverName
        self.serverNameIsAddress = serverNameIsAddress
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHandshake(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failHeldWrites(ChannelError.ioOnClosedChannel)
        if let ssl {
            ProviderKeyLock.shared.locked(when: tlsContext.usesProviderKey) { SSL_free(ssl) }  // frees both BIOs with it
        }
        ssl = nil
        networkIn = nil
        networkOut = nil
        state = .closed
    }

    func channelActive(context: ChannelHandlerContext) {
        startHandshake(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if state == .idle || state == .handshaking {
            state = .closed
            context.fireErrorCaught(LinkError.tls(TLSFailure(reason: "the server closed the connection during the TLS handshake")))
        } else if state == .established, !receivedPlaintext {
            // TLS 1.3 servers check the client certificate after the client considers the
            // handshake done; many just close without an alert.
            context.fireErrorCaught(
                LinkError.tls(
                    TLSFailure(
                        reason: "the server closed the connection right after the handshake; "
                            + "it may require a client certificate (security profile 3) or refuse ours")))
        }
        state = .closed
        failHeldWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let networkIn, state == .handshaking || state == .established else { return }
        // A memory BIO grows as needed, so one write always takes everything.
        _ = buffer.withUnsafeReadableBytes { bytes in
            bytes.isEmpty ? 0 : BIO_write(networkIn, bytes.baseAddress, Int32(bytes.count))
        }
        if state == .handshaking {
            advanceHandshake(context: context)
        } else {
            readPlaintext(context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        switch state {
        case .idle, .handshaking: heldWrites.append((buffer, promise))
        case .established: encrypt(buffer, promise: promise, context: context)
        case .closed: promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func flush(context: ChannelHandlerContext) {
        // Held writes are flushed when the handshake completes.
        if state == .established { context.flush() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, state == .established, let ssl {
            // close_notify tells the server the stream ended on purpose, not truncated.
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
            if writeNetworkBytes(context: context, promise: nil) { context.flush() }
        }
        if mode == .all {
            state = .closed
            failHeldWrites(ChannelError.ioOnClosedChannel)
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: - Handshake

    private func startHandshake(context: ChannelHandlerContext) {
        guard state == .idle else { return }
        do {
            try makeSession()
        } catch {
            fail(error, context: context)
            return
        }
        state = .handshaking
        advanceHandshake(context: context)
    }

    private func makeSession() throws(LinkError) {
        guard let ssl = SSL_new(tlsContext.context) else {
            throw .tls(TLSFailure(reason: "cannot create a TLS session: \(TLSContext.drainErrors())"))
        }
        self.ssl = ssl
        guard let input = BIO_new(BIO_s_mem()) else {
            throw .tls(TLSFailure(reason: "cannot create a memory BIO"))
        }
        guard let output = BIO_new(BIO_s_mem()) else {
            BIO_free(input)
            throw .tls(TLSFailure(reason: "cannot create a memory BIO"))
        }
        SSL_set_bio(ssl, input, output)
        networkIn = input
        networkOut = output
        SSL_set_connect_state(ssl)
        // Idle links are the common case; their record buffers go back to the heap.
        _ = shim_SSL_set_mode(ssl, Int(SSL_MODE_RELEASE_BUFFERS))
        if serverNameIsAddress {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1 else {
                throw .tls(TLSFailure(reason: "cannot verify against address \(serverName)"))
            }
        } else {
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(ssl, serverName) == 1, shim_SSL_set_tlsext_host_name(ssl, serverName) == 1 else {
                throw .tls(TLSFailure(reason: "cannot use host name \(serverName): \(TLSContext.drainErrors())"))
            }
        }
    }

    private func advanceHandshake(context: ChannelHandlerContext) {
        guard let ssl, state == .handshaking else { return }
        ERR_clear_error()
        // The handshake signs with the client key: a TPM's key signs in the TPM, one thread at a time.
        let result = ProviderKeyLock.shared.locked(when: tlsContext.usesProviderKey) { SSL_do_handshake(ssl) }
        if result == 1 {
            state = .established
            writeNetworkBytes(context: context, promise: nil)
            let held = heldWrites
            heldWrites = []
            for (buffer, promise) in held { encrypt(buffer, promise: promise, context: context) }
            context.flush()
            context.fireUserInboundEventTriggered(TLSSessionFacts(session: ssl))
            // The server's first application bytes may have come with its last handshake record.
            readPlaintext(context: context)
            return
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            if writeNetworkBytes(context: context, promise: nil) { context.flush() }
        default:
            let failure = handshakeFailure(ssl)
            // Send OpenSSL's alert so the server's log says why, too.
            if writeNetworkBytes(context: context, promise: nil) { context.flush() }
            fail(.tls(failure), context: context)
        }
    }

    private func handshakeFailure(_ ssl: OpaquePointer) -> TLSFailure {
        let verification = SSL_get_verify_result(ssl)
        guard verification == X509_V_OK else {
            let reason = X509_verify_cert_error_string(verification).map { String(cString: $0) } ?? "unknown error"
            _ = TLSContext.drainErrors()
            return TLSFailure(verificationError: Int(verification), reason: reason)
        }
        return TLSFailure(reason: "handshake failed: \(TLSContext.drainErrors())")
    }

    // MARK: - Data

    private func readPlaintext(context: ChannelHandlerContext) {
        // Reading can hand data up to handlers that close the channel, which frees `ssl`.
        while state == .established, let ssl {
            var buffer = context.channel.allocator.buffer(capacity: Self.readChunk)
            var result: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.readChunk) { space in
                ERR_clear_error()
                result = SSL_read(ssl, space.baseAddress, Int32(space.count))
                return result > 0 ? Int(result) : 0
            }
            if result > 0 {
                receivedPlaintext = true
                context.fireChannelRead(wrapInboundOut(buffer))
                continue
            }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                break
            case SSL_ERROR_ZERO_RETURN:
                // The server's close_notify: answer it and close.
                context.close(promise: nil)
                return
            default:
                fail(.tls(TLSFailure(reason: "read failed: \(TLSContext.drainErrors())")), context: context)
                return
            }
            break
        }
        // Reading may have produced records to send (key updates, alerts).
        if state == .established, writeNetworkBytes(context: context, promise: nil) { context.flush() }
    }

    private func encrypt(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        guard let ssl, buffer.readableBytes > 0 else {
            promise?.succeed(())
            return
        }
        ERR_clear_error()
        let result = buffer.withUnsafeReadableBytes { bytes in
            SSL_write(ssl, bytes.baseAddress, Int32(bytes.count))
        }
        guard result > 0 else {
            let error = LinkError.tls(TLSFailure(reason: "write failed: \(TLSContext.drainErrors())"))
            promise?.fail(error)
            fail(error, context: context)
            return
        }
        writeNetworkBytes(context: context, promise: promise)
    }

    /// Moves OpenSSL's pending ciphertext to the socket; true if there was any.
    @discardableResult
    private func writeNetworkBytes(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) -> Bool {
        guard let networkOut else {
            promise?.succeed(())
            return false
        }
        let pending = Int(BIO_ctrl_pending(networkOut))
        guard pending > 0 else {
            promise?.succeed(())
            return false
        }
        var buffer = context.channel.allocator.buffer(capacity: pending)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { space in
            Int(max(0, BIO_read(networkOut, space.baseAddress, Int32(pending))))
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
        return true
    }

    private func fail(_ error: LinkError, context: ChannelHandlerContext) {
        guard state != .closed else { return }
        state = .closed
        failHeldWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failHeldWrites(_ error: any Error) {
        let held = heldWrites
        heldWrites = []
        for (_, promise) in held { promise?.fail(error) }
    }
}

@available(*, unavailable)
extension TLSClientHandler: Sendable {}
