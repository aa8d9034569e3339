import NIOCore
import NIOPosix
import OCPP16

/// The agent's local control socket: `chargeplex status`, `operators`, `sim ...`,
/// `log` and `config show` send one line and get the answer back (`ControlAnswer`).
/// The socket is 0660 in the 0750 state directory: the agent's user and the
/// members of its group reach it.
final class ControlServer: Sendable {
    typealias Handler = @Sendable (String) async -> ControlAnswer
    let channel: any Channel

    init(path: String, group: any EventLoopGroup, handler: @escaping Handler) async throws {
        _ = path.withCString { unlink($0) }
        channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ControlLineHandler(handler: handler))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        // Created under the agent's umask (0700); its group may use it too.
        do {
            try StateFiles.openSocketToGroup(path)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    func close() async {
        try? await channel.close()
    }
}

/// Reads one line, answers it, closes; a streamed answer goes on until it ends or the
/// client hangs up.
private final class ControlLineHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let handler: ControlServer.Handler
    var received: [UInt8] = []
    var answered = false
    /// The task writing the answer; ended when the client goes away, which ends a stream.
    var answering: Task<Void, Never>?

    init(handler: @escaping ControlServer.Handler) { self.handler = handler }

    func channelInactive(context: ChannelHandlerContext) {
        answering?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard !answered, let newline = received.firstIndex(of: 0x0A) else {
            if received.count > 4096 { context.close(promise: nil) }
            return
        }
        answered = true
        let line = String(decoding: received[..<newline], as: UTF8.self)
        let handler = handler
        let channel = context.channel
        answering = Task {
            switch await handler(line) {
            case .text(let text):
                try? await Self.write(ControlAnswer.okLine + "\n" + text, to: channel)
            case .refused(let reason):
                try? await Self.write(ControlAnswer.refusedLine + "\n" + reason, to: channel)
            case .stream(let lines):
                do {
                    try await Self.write(ControlAnswer.okLine + "\n", to: channel)
                    for await line in lines { try await Self.write(line + "\n", to: channel) }
                } catch {
                    // The client hung up; leaving the loop ends the stream.
                }
            }
            try? await channel.close()
        }
    }

    private static func write(_ text: String, to channel: any Channel) async throws {
        let masked = Secrets.maskingURLCredentials(in: text)
        var out = channel.allocator.buffer(capacity: masked.utf8.count)
        out.writeString(masked)
        try await channel.writeAndFlush(out)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
