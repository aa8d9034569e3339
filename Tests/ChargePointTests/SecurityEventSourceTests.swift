import Board
import OCPP16
import Testing

@testable import ChargePoint

/// The security events the charge point itself notices, handed to the uplink (which keeps
/// them and queues them for every operator).
@Suite struct SecurityEventSourceTests {
    static func securityEvents(_ uplink: RecordingUplink) -> [(type: String, techInfo: String?, to: String?)] {
        uplink.emitted.compactMap { message in
            if case .securityEvent(let request, let target) = message {
                (request.type.description, request.techInfo?.description, target)
            } else {
                nil
            }
        }
    }

    @Test(arguments: [ResetType.hard, .soft])
    func anAcceptedResetIsResetOrRebootForEveryOperator(_ type: ResetType) async {
        let harness = await Harness()
        #expect(await harness.respond(ResetRequest(type: type), from: "billing")?.status == .accepted)
        let events = Self.securityEvents(harness.uplink)
        #expect(events.map(\.type) == ["ResetOrReboot"])
        #expect(events.first?.to == nil)
        #expect(events.first?.techInfo == "\(type.rawValue) reset asked by billing")
    }

    @Test func theTamperSwitchOpeningIsAnEventAndClosingIsNot() async {
        let harness = await Harness()
        await harness.send(.tamper(active: true))
        await harness.send(.tamper(active: false))
        #expect(Self.securityEvents(harness.uplink).map(\.type) == ["TamperDetectionActivated"])
    }
}
