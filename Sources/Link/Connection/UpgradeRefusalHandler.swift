import NIOCore
import NIOHTTP1

/// Catches the response head of a server that answered the upgrade request with something
/// other than 101, so the link can say "HTTP 401 Unauthorized" instead of "upgrade failed".
final class UpgradeRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let refusal: EventLoopPromise<HTTPResponseStatus>

    init(refusal: EventLoopPromise<HTTPResponseStatus>) {
        self.refusal = refusal
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            refusal.succeed(head.status)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        refusal.fail(LinkError.upgradeFailed("connection closed before the HTTP response"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        refusal.fail(LinkError.upgradeFailed("connection closed before the HTTP response"))
    }
}

@available(*, unavailable)
extension UpgradeRefusalHandler: Sendable {}
