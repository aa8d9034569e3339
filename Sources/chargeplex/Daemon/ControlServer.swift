import NIOCore
import NIOPosix

/// The agent's local control socket: `chargeplex status`, `operators` and
/// `sim ...` send one line and get the answer back. Only local users with
/// access to the state directory can reach it.
final class ControlServer: Sendable {
    typealias Handler = @Sendable (String) async -> String
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
    }

    func close() async {
        try? await channel.close()
    }
}

/// Reads one line, answers it, closes.
private final class ControlLineHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let handler: ControlServer.Handler
    var received: [UInt8] = []
    var answered = false

    init(handler: @escaping ControlServer.Handler) { self.handler = handler }

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
        Task {
            let answer = await handler(line)
            var out = channel.allocator.buffer(capacity: answer.utf8.count)
            out.writeString(answer)
            try? await channel.writeAndFlush(out)
            try? await channel.close()
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
