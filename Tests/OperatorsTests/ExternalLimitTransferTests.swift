import Board
import OCPP16
import Testing

@testable import Operators

/// Every operator is told of an external power limit by a DataTransfer of the agent's own
/// vendorId, when it starts, changes and ends, and of how things stand on registration.
@Suite struct ExternalLimitTransferTests {
    /// The data of every ExternalLimit DataTransfer `received`, in order.
    static func told(_ received: [FakeCentralSystem.Received]) -> [String] {
        received.compactMap { item in
            guard item.action == "DataTransfer", case .string("com.chargeplex")? = item.payload["vendorId"],
                case .string("ExternalLimit")? = item.payload["messageId"], case .string(let data)? = item.payload["data"]
            else { return nil }
            return data
        }
    }

    static let on = #"{"active":true,"source":"contact","limitW":4200}"#
    static let off = #"{"active":false,"source":"contact"}"#

    @Test func everyOperatorIsToldWhenTheLimitStartsAndEnds() async throws {
        let names = ["billing", "grid", "fleet"]
        let rig = try await OperatorsRig([("billing", .billing), ("grid", .dataControl), ("fleet", .dataControl)])
        #expect(await rig.waitUntilRegistered(names))
        await rig.send(.externalLimit(source: .contact, watts: 4200))
        for name in names { #expect(await rig[name].wait { Self.told($0) == [Self.on] }, "\(name)") }
        await rig.send(.externalLimit(source: .contact, watts: nil))
        for name in names { #expect(await rig[name].wait { Self.told($0) == [Self.on, Self.off] }, "\(name)") }
        await rig.cleanUp()
    }

    @Test func anOperatorOfflineMeanwhileLearnsTheStateWhenItIsBack() async throws {
        let rig = try await OperatorsRig([("billing", .billing), ("grid", .dataControl)], offline: ["grid"])
        #expect(await rig.waitUntilRegistered(["billing"]))
        await rig.send(.externalLimit(source: .contact, watts: 3000))
        await rig.send(.externalLimit(source: .contact, watts: 4200))
        #expect(await rig["billing"].wait { Self.told($0).count == 2 })
        await rig["grid"].setOnline(true)
        // Not the history it missed: how things stand now.
        #expect(await rig["grid"].wait { Self.told($0) == [Self.on] })
        #expect(Self.told(rig["grid"].received) == [Self.on])
        await rig.cleanUp()
    }

    @Test func eachOperatorsCompositeScheduleShowsTheLimit() async throws {
        let rig = try await OperatorsRig([("billing", .billing), ("grid", .dataControl)])
        #expect(await rig.waitUntilRegistered(["billing", "grid"]))
        await rig.send(.externalLimit(source: .contact, watts: 4200))
        for name in ["billing", "grid"] {
            let entry = try #require(await rig.operators.entries.first { $0.name == name })
            let answer = await rig.operators.respond(
                to: GetCompositeScheduleRequest(connectorId: 1, duration: 900, chargingRateUnit: .watts), from: entry)
            let schedule = try #require((answer as? GetCompositeScheduleResponse)?.chargingSchedule)
            #expect(schedule.chargingSchedulePeriod.map(\.limit) == [4200], "\(name)")
        }
        await rig.cleanUp()
    }

    @Test func theDataIsJSONTextWithWholeWattsAsIntegers() {
        let request = ExternalLimitTransfer.request(source: .energyManager, watts: 2500.5)
        #expect(request.vendorId.value == "com.chargeplex")
        #expect(request.messageId?.value == "ExternalLimit")
        #expect(request.data == #"{"active":true,"source":"energy-manager","limitW":2500.5}"#)
        #expect(ExternalLimitTransfer.request(source: .contact, watts: 0).data == #"{"active":true,"source":"contact","limitW":0}"#)
    }
}
