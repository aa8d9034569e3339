import Board
import OCPP16
import Synchronization
import Testing

@testable import ChargePoint

/// A signing meter the test answers for: each request waits until the test
/// lets it through (or is answered at once when `automatic`).
final class TestSigningMeter: SignedMeters {
    struct State {
        var automatic = true
        var waiting: [(context: SignedReadingContext, idTag: String?, resume: CheckedContinuation<SignedMeterReading?, Never>)] = []
        var asked: [SignedReadingContext] = []
        var counter: Int64 = 1_000
    }
    let state = Mutex(State())

    init(automatic: Bool = true) { state.withLock { $0.automatic = automatic } }

    func signs(connector: Int) -> Bool { connector == 1 }
    func publicKey(connector: Int) -> String? { connector == 1 ? "3059301306072A8648CE3D020106082A8648CE3D03010703420004AB" : nil }

    static func data(_ context: SignedReadingContext, _ wattHours: Int64, _ idTag: String?) -> String {
        "OCMF|{\"ID\":\"\(idTag ?? "")\",\"RD\":[{\"TX\":\"\(context.rawValue)\",\"RV\":\(wattHours)}]}|{\"SD\":\"3045\"}"
    }

    func signedReading(connector: Int, context: SignedReadingContext, idTag: String?) async -> SignedMeterReading? {
        await withCheckedContinuation { resume in
            let now: SignedMeterReading?? = state.withLock { state in
                state.asked.append(context)
                guard state.automatic else {
                    state.waiting.append((context, idTag, resume))
                    return nil
                }
                state.counter += 10
                return SignedMeterReading(context: context, data: Self.data(context, state.counter, idTag), energyWattHours: state.counter)
            }
            if let reading = now { resume.resume(returning: reading) }
        }
    }

    var pending: [SignedReadingContext] { state.withLock { $0.waiting.map(\.context) } }
    var asked: [SignedReadingContext] { state.withLock { $0.asked } }

    /// Answers the oldest waiting request (nil: the meter failed).
    func release(_ answer: Bool = true) {
        let next = state.withLock { state -> (SignedReadingContext, String?, CheckedContinuation<SignedMeterReading?, Never>)? in
            guard !state.waiting.isEmpty else { return nil }
            let first = state.waiting.removeFirst()
            return (first.context, first.idTag, first.resume)
        }
        guard let (context, idTag, resume) = next else { return }
        resume.resume(returning: answer ? SignedMeterReading(context: context, data: Self.data(context, 7, idTag)) : nil)
    }

    /// Waits (yielding, with a bound) until a request of `context` waits.
    func waitFor(_ context: SignedReadingContext) async -> Bool {
        for _ in 0..<100_000 {
            if pending.contains(context) { return true }
            await Task.yield()
        }
        return false
    }
}

@Suite struct SignedReadingTests {
    static let settings: [(key: String, value: String)] = [("MeterValueSampleInterval", "0")]

    func signed(_ values: [SampledValue]) -> [SampledValue] { values.filter { $0.format == .signedData } }

    /// A transaction on connector 1, whose meter is `meter`.
    func charging(_ meter: TestSigningMeter, settings: [(key: String, value: String)] = Self.settings) async -> Harness {
        let harness = await Harness(settings: settings, signedMeters: meter)
        harness.uplink.answer("CARD", .accepted)
        await harness.plug()
        await harness.swipe("CARD")
        return harness
    }

    @Test func beginAndEndGoToEveryOperatorUntouched() async throws {
        let meter = TestSigningMeter()
        let harness = await Harness(settings: Self.settings, signedMeters: meter)
        harness.uplink.state.withLock { $0.recipients = ["home", "grid", "fleet"] }
        harness.uplink.answer("CARD", .accepted)
        await harness.plug()
        await harness.swipe("CARD")
        // The Begin reading arrives a moment after the start.
        for _ in 0..<10_000 where harness.uplink.meterValues.isEmpty { await Task.yield() }
        let begin = try #require(harness.uplink.meterValues.first)
        #expect(begin.to == nil)
        let beginValues = begin.request.meterValue.flatMap(\.sampledValue)
        let beginValue = try #require(signed(beginValues).first)
        #expect(beginValue.context == .transactionBegin)
        #expect(beginValue.value == TestSigningMeter.data(.transactionBegin, 1_010, "CARD"))
        #expect(beginValue.measurand == .energyActiveImportRegister)

        await harness.chargePoint.stopTransaction(on: 1, reason: .local, idTag: nil, now: harness.now)
        #expect(meter.asked == [.transactionBegin, .transactionEnd])
        let stop = try #require(harness.uplink.stops.first)
        let data = stop.transactionData ?? []
        #expect(signed(data.first?.sampledValue ?? []).first?.value == beginValue.value)
        #expect(signed(data.last?.sampledValue ?? []).first?.value == TestSigningMeter.data(.transactionEnd, 1_020, "CARD"))
        #expect(signed(data.last?.sampledValue ?? []).first?.context == .transactionEnd)
        // Each operator's own StopTransaction keeps the signed data, even one
        // whose StopTxnSampledData asks for nothing.
        let tailored = ChargePoint.transactionData(stop.transactionData, measurands: [])
        #expect(tailored?.flatMap(\.sampledValue).map(\.value) == [beginValue.value, TestSigningMeter.data(.transactionEnd, 1_020, "CARD")])
    }

    @Test func aStopWhileTheBeginIsTakenReportsTheBeginFirstAndStopsOnce() async throws {
        let meter = TestSigningMeter(automatic: false)
        let harness = await charging(meter)
        #expect(await meter.waitFor(.transactionBegin))

        let chargePoint = harness.chargePoint
        let now = harness.now
        let first = Task { await chargePoint.stopTransaction(on: 1, reason: .remote, idTag: nil, now: now) }
        meter.release()
        #expect(await meter.waitFor(.transactionEnd))
        // A second stop (the driver pulls the cable) while the meter signs the end: ignored.
        await chargePoint.stopTransaction(on: 1, reason: .evDisconnected, idTag: nil, now: now)
        #expect(harness.uplink.stops.isEmpty)
        meter.release()
        await first.value

        #expect(harness.uplink.stops.count == 1)
        #expect(harness.uplink.stops.first?.reason == .remote)
        let kinds = harness.uplink.emitted.compactMap { message -> String? in
            switch message {
            case .startTransaction: "start"
            case .meterValues: "meter"
            case .stopTransaction: "stop"
            default: nil
            }
        }
        #expect(kinds == ["start", "meter", "stop"])
        #expect(harness.board.connector(1)?.relayClosed == false)
    }

    @Test func aMeterThatGivesNoSignatureDoesNotHoldTheStopBack() async throws {
        let meter = TestSigningMeter(automatic: false)
        let harness = await charging(meter)
        #expect(await meter.waitFor(.transactionBegin))
        meter.release(false)
        let chargePoint = harness.chargePoint
        let now = harness.now
        let stop = Task { await chargePoint.stopTransaction(on: 1, reason: .local, idTag: nil, now: now) }
        #expect(await meter.waitFor(.transactionEnd))
        meter.release(false)
        await stop.value
        let request = try #require(harness.uplink.stops.first)
        #expect(request.transactionData?.allSatisfy { signed($0.sampledValue).isEmpty } == true)
        #expect(harness.uplink.meterValues.isEmpty)
    }

    @Test func periodicSamplesCarryOneSignedReadingForEveryOperator() async throws {
        let meter = TestSigningMeter()
        var harness = await charging(
            meter, settings: [("MeterValueSampleInterval", "10"), ("MeterValuesSampledData", "Energy.Active.Import.Register")])
        for _ in 0..<10_000 where harness.uplink.meterValues.isEmpty { await Task.yield() }
        harness.uplink.clear()
        await harness.advance(seconds: 10)
        let sample = try #require(harness.uplink.meterValues.first)
        let values = sample.request.meterValue.flatMap(\.sampledValue)
        #expect(values.first?.measurand == .energyActiveImportRegister)
        #expect(signed(values).map(\.context) == [.samplePeriodic])
        #expect(signed(values).first?.value == TestSigningMeter.data(.sample, 1_020, "CARD"))
        #expect(meter.asked == [.transactionBegin, .sample])
    }

    @Test func thePublicKeyIsAReadOnlyConfigurationKey() async throws {
        let harness = await Harness(settings: Self.settings, signedMeters: TestSigningMeter())
        let one = try #require(await harness.respond(GetConfigurationRequest(key: ["MeterPublicKey[1]"])))
        #expect(one.configurationKey?.count == 1)
        #expect(one.configurationKey?.first?.readonly == true)
        #expect(one.configurationKey?.first?.value?.value.hasPrefix("3059301306") == true)
        #expect(one.unknownKey == nil)

        let mixed = try #require(await harness.respond(GetConfigurationRequest(key: ["MeterPublicKey[1]", "HeartbeatInterval", "MeterPublicKey[2]"])))
        #expect(mixed.configurationKey?.map(\.key.value) == ["HeartbeatInterval", "MeterPublicKey[1]"])
        #expect(mixed.unknownKey?.map(\.value) == ["MeterPublicKey[2]"])

        let all = try #require(await harness.respond(GetConfigurationRequest(key: nil)))
        #expect(all.configurationKey?.contains { $0.key.value == "MeterPublicKey[1]" } == true)

        let change = try #require(await harness.respond(ChangeConfigurationRequest(key: "MeterPublicKey[1]", value: "00")))
        #expect(change.status == .rejected)
    }
}
