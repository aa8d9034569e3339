import OCPP16
import Testing

@testable import Operators

/// The heartbeat interval comes from the Central System (BootNotification.conf)
/// or from an operator (ChangeConfiguration): any number it sends gives a
/// heartbeat at least once a day, and never an overflow.
@Suite struct HeartbeatIntervalTests {
    static let start = OCPPDateTime(millisecondsSince1970: 1_795_000_000_000)

    /// The seconds after `start` at which the next heartbeat falls due
    /// (which marks it as sent).
    static func secondsUntilDue(_ session: SessionState) async -> Int64? {
        for seconds: Int64 in [1, 59, 60, 299, 300, 86_399, 86_400] where await session.heartbeatDue(at: start.adding(seconds: seconds)) {
            return seconds
        }
        return nil
    }

    @Test(arguments: [Int.max, Int(Int32.max) + 1, 1 << 31, 86_401])
    func aCentralSystemsEndlessIntervalIsADay(_ interval: Int) async {
        let session = SessionState()
        await session.opened(BootNotificationResponse(status: .accepted, currentTime: Self.start, interval: interval), at: Self.start)
        #expect(await Self.secondsUntilDue(session) == 86_400)
    }

    @Test(arguments: [Int.min, -1, 0])
    func noUsableIntervalKeepsTheOneInForce(_ interval: Int) async {
        let session = SessionState()
        await session.opened(BootNotificationResponse(status: .accepted, currentTime: Self.start, interval: interval), at: Self.start)
        #expect(await Self.secondsUntilDue(session) == 300)
        let changed = SessionState()
        await changed.opened(BootNotificationResponse(status: .accepted, currentTime: Self.start, interval: 60), at: Self.start)
        await changed.setHeartbeatInterval(interval)
        #expect(await Self.secondsUntilDue(changed) == 60)
    }

    @Test func anOperatorsEndlessIntervalIsADay() async {
        let session = SessionState()
        await session.opened(BootNotificationResponse(status: .accepted, currentTime: Self.start, interval: 60), at: Self.start)
        await session.setHeartbeatInterval(.max)
        #expect(await Self.secondsUntilDue(session) == 86_400)
    }
}
