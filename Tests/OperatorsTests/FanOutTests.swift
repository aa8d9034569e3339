import Board
import ChargePoint
import Configuration
import OCPP16
import Testing

@testable import Operators

/// The fan-out as each Central System sees it: every transaction message,
/// in order, with its own transactionId, and statuses that never run ahead
/// of the transaction messages they follow.
@Suite struct FanOutTests {
    static let three: [(String, OperatorRole)] = [("billing", .billing), ("home", .home), ("dc", .dataControl)]

    /// One charging session on connector 1: card, cable, a sample, card again.
    func session(_ rig: OperatorsRig, card: String = "04A2B3C4", connector: Int = 1) async {
        await rig.plug(connector)
        await rig.swipe(card, at: connector)
        await rig.send(.energy(connector: connector, wattHours: 1_500))
        await rig.advance(seconds: 11)
        await rig.swipe(card, at: connector)
    }

    /// Per operator: Start, then its transaction's messages with the id it gave.
    func expectWellFormed(_ central: FakeCentralSystem, sessions: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let messages = central.transactionMessages
        let starts = messages.filter { $0.action == "StartTransaction" }
        #expect(starts.count == sessions, "\(central.name): \(messages)", sourceLocation: sourceLocation)
        for start in starts {
            let own = messages.filter { $0.id == start.id }
            #expect(own.first?.action == "StartTransaction", "\(central.name): \(messages)", sourceLocation: sourceLocation)
            #expect(own.filter { $0.action == "StopTransaction" }.count == 1, "\(central.name): \(messages)", sourceLocation: sourceLocation)
            #expect(own.last?.action == "StopTransaction", "\(central.name): \(messages)", sourceLocation: sourceLocation)
        }
        #expect(messages.allSatisfy { $0.id != nil && $0.id != 0 }, "\(central.name): \(messages)", sourceLocation: sourceLocation)
    }

    /// Charging never before the StartTransaction, Finishing never before the StopTransaction.
    func expectStatusesFollow(_ central: FakeCentralSystem, sourceLocation: SourceLocation = #_sourceLocation) {
        var started = false
        var stopped = false
        for item in central.received {
            switch item.action {
            case "StartTransaction": started = true
            case "StopTransaction": stopped = true
            case "StatusNotification":
                if item.payload["status"] == .string("Charging") {
                    #expect(started, "\(central.name): Charging before StartTransaction", sourceLocation: sourceLocation)
                }
                if item.payload["status"] == .string("Finishing") {
                    #expect(stopped, "\(central.name): Finishing before StopTransaction", sourceLocation: sourceLocation)
                }
            default: break
            }
        }
    }

    @Test func everyOperatorGetsTheSessionInOrderWithItsOwnIds() async throws {
        let rig = try await OperatorsRig(Self.three)
        #expect(await rig.waitUntilRegistered(["billing", "home", "dc"]))
        await session(rig)
        #expect(await rig.waitUntilDelivered(["billing", "home", "dc"]))
        for name in ["billing", "home", "dc"] {
            #expect(rig[name].transactionMessages.map(\.action) == ["StartTransaction", "MeterValues", "StopTransaction"])
            expectWellFormed(rig[name], sessions: 1)
            #expect(await rig[name].wait { $0.contains { $0.payload["status"] == .string("Finishing") } })
            expectStatusesFollow(rig[name])
        }
        // Each Central System's own ids: 1000, 2000, 3000.
        #expect(Set(["billing", "home", "dc"].compactMap { rig[$0].transactionMessages.first?.id }).count == 3)
        // Only the authority is asked about the card.
        #expect(rig["billing"].received.contains { $0.action == "Authorize" })
        #expect(!rig["dc"].received.contains { $0.action == "Authorize" })
        await rig.cleanUp()
    }

    @Test func anOfflineOperatorGetsTheWholeSessionWhenItIsBack() async throws {
        let rig = try await OperatorsRig(Self.three, offline: ["dc"])
        #expect(await rig.waitUntilRegistered(["billing", "home"]))
        await session(rig)
        #expect(await rig.waitUntilDelivered(["billing", "home"]))
        #expect(rig["dc"].received.isEmpty)
        #expect(try rig.ledger.queue.all(operator: "dc").map(\.action) == ["StartTransaction", "MeterValues", "StopTransaction"])
        await rig["dc"].setOnline(true)
        #expect(await rig.waitUntilDelivered(["dc"]))
        #expect(rig["dc"].transactionMessages.map(\.action) == ["StartTransaction", "MeterValues", "StopTransaction"])
        expectWellFormed(rig["dc"], sessions: 1)
        #expect(await rig["dc"].wait { $0.contains { $0.action == "StatusNotification" } })
        expectStatusesFollow(rig["dc"])
        await rig.cleanUp()
    }

    @Test func anOperatorAddedDuringATransactionHearsOfItFirst() async throws {
        let rig = try await OperatorsRig([("billing", .billing)], extra: ["late"])
        #expect(await rig.waitUntilRegistered(["billing"]))
        await rig.plug(1)
        await rig.swipe("CARD", at: 1)
        // The card is authorized first: the StartTransaction is queued only after that answer.
        #expect(await rig["billing"].wait { $0.contains { $0.action == "StartTransaction" } })
        #expect(await rig.waitUntilDelivered(["billing"]))
        let start = try #require(rig["billing"].received.first { $0.action == "StartTransaction" })
        await rig.operators.apply([OperatorsRig.entry("billing", .billing), OperatorsRig.entry("late", .dataControl)])
        #expect(await rig.waitUntilRegistered(["late"]))
        await rig.send(.energy(connector: 1, wattHours: 900))
        await rig.advance(seconds: 11)
        await rig.swipe("CARD", at: 1)
        #expect(await rig.waitUntilDelivered(["billing", "late"]))
        let late = rig["late"]
        #expect(late.transactionMessages.map(\.action) == ["StartTransaction", "MeterValues", "StopTransaction"])
        // The original start: its timestamp and meterStart, not the moment it joined.
        let lateStart = try #require(late.received.first { $0.action == "StartTransaction" })
        #expect(lateStart.payload["timestamp"] == start.payload["timestamp"])
        #expect(lateStart.payload["meterStart"] == start.payload["meterStart"])
        expectWellFormed(late, sessions: 1)
        await rig.cleanUp()
    }

    @Test func twoSessionsInterleavedStayApartForEveryOperator() async throws {
        let rig = try await OperatorsRig(Self.three)
        #expect(await rig.waitUntilRegistered(["billing", "home", "dc"]))
        await rig.plug(1)
        await rig.plug(2)
        async let first: Void = rig.swipe("AAAA", at: 1)
        async let second: Void = rig.swipe("BBBB", at: 2)
        _ = await (first, second)
        #expect(await rig.chargePoint.transactions.count == 2)
        await rig.send(.energy(connector: 1, wattHours: 400))
        await rig.send(.energy(connector: 2, wattHours: 700))
        async let tick: Void = rig.advance(seconds: 11)
        async let stop: Void = rig.swipe("AAAA", at: 1)
        _ = await (tick, stop)
        await rig.swipe("BBBB", at: 2)
        #expect(await rig.waitUntilDelivered(["billing", "home", "dc"]))
        for name in ["billing", "home", "dc"] {
            expectWellFormed(rig[name], sessions: 2)
        }
        await rig.cleanUp()
    }

    @Test func aNewAuthorityDecidesNewSessionsButNotTheRunningOne() async throws {
        let rig = try await OperatorsRig(Self.three)
        #expect(await rig.waitUntilRegistered(["billing", "home", "dc"]))
        await rig.plug(1)
        await rig.swipe("CARD", at: 1)
        #expect(await rig.waitUntilDelivered(["home"]))
        let homeId = try #require(rig["home"].transactionMessages.first?.id)
        // The billing operator leaves the list: home is the authority now.
        await rig.operators.apply([OperatorsRig.entry("home", .home), OperatorsRig.entry("dc", .dataControl)])
        #expect(rig.operators.authorityName == "home")
        let refused = await rig.operators.answer(
            Call(messageId: "stop-1", request: RemoteStopTransactionRequest(transactionId: Int(homeId))), from: "home")
        guard case .callResult(let result) = refused else {
            Issue.record("no answer: \(refused)")
            return
        }
        #expect(try result.decode(RemoteStopTransactionResponse.self).status == .rejected)
        #expect(await rig.chargePoint.transactions.count == 1)
        // A new session asks the new authority.
        await rig.plug(2)
        await rig.swipe("NEWCARD", at: 2)
        #expect(rig["home"].received.contains { $0.action == "Authorize" })
        #expect(await rig.chargePoint.transactions.count == 2)
        await rig.cleanUp()
    }
}
