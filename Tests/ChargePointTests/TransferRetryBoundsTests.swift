import OCPP16
import Testing

@testable import ChargePoint

/// The retries and retryInterval of UpdateFirmware and GetDiagnostics come
/// from the wire: an endless interval waits a day, and an absurd number of
/// retries ends after a hundred attempts, while the charger keeps running.
@Suite struct TransferRetryBoundsTests {
    typealias ScriptedFirmware = FirmwareUpdateTests.ScriptedFirmware
    typealias ScriptedDiagnostics = DiagnosticsUploadTests.ScriptedDiagnostics
    static let failure = TransferFailure("HTTP 503 Service Unavailable")

    @Test(arguments: [Int.max, Int(Int32.max) + 1, 1 << 40])
    func anEndlessFirmwareRetryIntervalWaitsADay(_ interval: Int) async {
        var harness = await HostileNumbersTests.charging()
        let firmware = ScriptedFirmware(downloads: [.failure(Self.failure), .success("/tmp/fw.bin")])
        await harness.chargePoint.useFirmware(firmware)
        _ = await harness.respond(UpdateFirmwareRequest(location: "http://fw.example/fw.bin", retries: .max, retrieveDate: harness.now, retryInterval: interval))
        await harness.advance(seconds: 1)
        await harness.chargePoint.firmwareWorkFinished()
        await harness.advance(seconds: 1)
        await harness.advance(seconds: 86_399)
        #expect(firmware.downloaded.count == 1)
        await harness.advance(seconds: 1)
        await harness.chargePoint.firmwareWorkFinished()
        #expect(firmware.downloaded.count == 2)
        #expect(FirmwareUpdateTests.statuses(harness.uplink) == [.downloading, .downloading, .downloaded])
        await HostileNumbersTests.expectChargeGoesOn(harness)
    }

    @Test(arguments: [Int.max, 1 << 40, 101])
    func firmwareRetriesEndAfterAHundredAttempts(_ retries: Int) async {
        var harness = await Harness()
        let firmware = ScriptedFirmware(downloads: [])
        await harness.chargePoint.useFirmware(firmware)
        _ = await harness.respond(UpdateFirmwareRequest(location: "http://fw.example/fw.bin", retries: retries, retrieveDate: harness.now, retryInterval: 0))
        // Two ticks an attempt: one starts it, the next plans the retry after its failure.
        for _ in 0..<250 {
            await harness.advance(seconds: 1)
            await harness.chargePoint.firmwareWorkFinished()
        }
        #expect(firmware.downloaded.count == TransferRetries.maximumAttempts)
        #expect(FirmwareUpdateTests.statuses(harness.uplink).last == .downloadFailed)
    }

    @Test(arguments: [Int.max, 1 << 40])
    func anEndlessDiagnosticsRetryIntervalWaitsADay(_ interval: Int) async {
        var harness = await HostileNumbersTests.charging()
        let diagnostics = ScriptedDiagnostics([.failure(Self.failure), .success(())])
        await harness.chargePoint.useDiagnostics(diagnostics)
        _ = await harness.respond(GetDiagnosticsRequest(location: "http://support.example/", retries: .max, retryInterval: interval))
        await harness.advance(seconds: 1)
        await harness.chargePoint.diagnosticsWorkFinished()
        await harness.advance(seconds: 1)
        await harness.advance(seconds: 86_399)
        #expect(diagnostics.uploads.count == 1)
        await harness.advance(seconds: 1)
        await harness.chargePoint.diagnosticsWorkFinished()
        #expect(diagnostics.uploads.count == 2)
        #expect(DiagnosticsUploadTests.statuses(harness.uplink) == [.uploading, .uploading, .uploaded])
        await HostileNumbersTests.expectChargeGoesOn(harness)
    }

    @Test func diagnosticsRetriesEndAfterAHundredAttempts() async {
        var harness = await Harness()
        let diagnostics = ScriptedDiagnostics([])
        await harness.chargePoint.useDiagnostics(diagnostics)
        _ = await harness.respond(GetDiagnosticsRequest(location: "http://support.example/", retries: 1 << 40, retryInterval: 0))
        for _ in 0..<250 {
            await harness.advance(seconds: 1)
            await harness.chargePoint.diagnosticsWorkFinished()
        }
        #expect(diagnostics.uploads.count == TransferRetries.maximumAttempts)
        #expect(DiagnosticsUploadTests.statuses(harness.uplink).last == .uploadFailed)
    }

    @Test func noRetriesAndNoIntervalMeanOneAttemptAtOnce() async {
        var harness = await Harness()
        let firmware = ScriptedFirmware(downloads: [])
        await harness.chargePoint.useFirmware(firmware)
        _ = await harness.respond(UpdateFirmwareRequest(location: "http://fw.example/fw.bin", retries: 0, retrieveDate: harness.now, retryInterval: 0))
        for _ in 0..<5 {
            await harness.advance(seconds: 1)
            await harness.chargePoint.firmwareWorkFinished()
        }
        #expect(firmware.downloaded.count == 1)
        #expect(FirmwareUpdateTests.statuses(harness.uplink) == [.downloading, .downloadFailed])
    }
}
