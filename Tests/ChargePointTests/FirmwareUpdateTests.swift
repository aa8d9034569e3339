import Board
import OCPP16
import Synchronization
import Testing

@testable import ChargePoint

/// UpdateFirmware: download at retrieveDate with retries, install only when
/// no transaction runs (operators.md), then a restart.
@Suite struct FirmwareUpdateTests {
    /// Answers downloads and installations as told, and remembers them.
    final class ScriptedFirmware: FirmwareService {
        struct Script {
            var downloads: [Result<String, TransferFailure>] = []
            var installs: [Result<Void, TransferFailure>] = []
            var downloaded: [String] = []
            var installed: [String] = []
        }
        let script: Mutex<Script>

        init(downloads: [Result<String, TransferFailure>], installs: [Result<Void, TransferFailure>] = []) {
            script = Mutex(Script(downloads: downloads, installs: installs))
        }

        func download(from location: String) async -> Result<String, TransferFailure> {
            script.withLock { script in
                script.downloaded.append(location)
                return script.downloads.isEmpty ? .failure(TransferFailure("no answer scripted")) : script.downloads.removeFirst()
            }
        }

        func install(_ file: String) async -> Result<Void, TransferFailure> {
            script.withLock { script in
                script.installed.append(file)
                return script.installs.isEmpty ? .failure(TransferFailure("no answer scripted")) : script.installs.removeFirst()
            }
        }

        var downloaded: [String] { script.withLock { $0.downloaded } }
        var installed: [String] { script.withLock { $0.installed } }
    }

    final class Restarts: Sendable {
        let requests = Mutex<[ChargePointRequest]>([])
        var all: [ChargePointRequest] { requests.withLock { $0 } }
    }

    static func statuses(_ uplink: RecordingUplink) -> [FirmwareStatus] {
        uplink.emitted.compactMap { message in
            if case .firmwareStatus(let request, nil) = message { request.status } else { nil }
        }
    }

    @Test func downloadsAtTheRetrieveDateAndInstallsOnlyWhenNoTransactionRuns() async throws {
        var harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")])
        let firmware = ScriptedFirmware(downloads: [.success("/var/lib/chargeplex/firmware/fw-2.bin")], installs: [.success(())])
        let restarts = Restarts()
        await harness.chargePoint.useFirmware(firmware)
        await harness.chargePoint.attach(uplink: harness.uplink, requests: { request in restarts.requests.withLock { $0.append(request) } })
        await harness.plug()
        _ = await harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "DRIVER"))

        let update = UpdateFirmwareRequest(location: "https://fw.example/fw-2.bin", retrieveDate: harness.now.adding(seconds: 60))
        #expect(await harness.respond(update, from: "maintenance") != nil)
        await harness.advance(seconds: 30)
        #expect(firmware.downloaded.isEmpty)

        await harness.advance(seconds: 30)
        await harness.chargePoint.firmwareWorkFinished()
        #expect(firmware.downloaded == ["https://fw.example/fw-2.bin"])
        #expect(Self.statuses(harness.uplink) == [.downloading, .downloaded])

        // A driver is charging: the installation, which restarts the charger, waits.
        await harness.advance(seconds: 600)
        #expect(firmware.installed.isEmpty)
        #expect(restarts.all.isEmpty)

        _ = await harness.respond(RemoteStopTransactionRequest(transactionId: 1))
        #expect(harness.uplink.stops.first?.reason == .remote)
        await harness.advance(seconds: 1)
        await harness.chargePoint.firmwareWorkFinished()
        #expect(firmware.installed == ["/var/lib/chargeplex/firmware/fw-2.bin"])
        #expect(Self.statuses(harness.uplink) == [.downloading, .downloaded, .installing, .installed])
        #expect(restarts.all == [.restart(.hard)])
        #expect(SecurityEventSourceTests.securityEvents(harness.uplink).map(\.type) == ["FirmwareUpdated"])
    }

    @Test func retriesAfterTheIntervalThenReportsDownloadFailed() async throws {
        var harness = await Harness()
        let failure = TransferFailure("HTTP 404 Not Found")
        let firmware = ScriptedFirmware(downloads: [.failure(failure), .failure(failure)])
        await harness.chargePoint.useFirmware(firmware)
        _ = await harness.respond(
            UpdateFirmwareRequest(location: "http://fw.example/missing.bin", retries: 2, retrieveDate: harness.now, retryInterval: 120))

        await harness.advance(seconds: 1)
        await harness.chargePoint.firmwareWorkFinished()
        #expect(firmware.downloaded.count == 1)
        await harness.advance(seconds: 1)
        await harness.advance(seconds: 60)
        #expect(firmware.downloaded.count == 1)
        await harness.advance(seconds: 60)
        await harness.chargePoint.firmwareWorkFinished()
        #expect(firmware.downloaded.count == 2)
        #expect(Self.statuses(harness.uplink) == [.downloading, .downloading, .downloadFailed])

        // Nothing is under way any more: a trigger says Idle.
        harness.uplink.clear()
        _ = await harness.respond(TriggerMessageRequest(requestedMessage: .firmwareStatusNotification), from: "home")
        #expect(harness.uplink.emitted == [.firmwareStatus(FirmwareStatusNotificationRequest(status: .idle), to: "home")])
    }

    @Test func aFailedInstallationIsReportedAndNothingRestarts() async throws {
        var harness = await Harness()
        let firmware = ScriptedFirmware(downloads: [.success("/tmp/fw.bin")], installs: [.failure(TransferFailure("installer exited with status 3"))])
        let restarts = Restarts()
        await harness.chargePoint.useFirmware(firmware)
        await harness.chargePoint.attach(uplink: harness.uplink, requests: { request in restarts.requests.withLock { $0.append(request) } })
        _ = await harness.respond(UpdateFirmwareRequest(location: "http://fw.example/fw.bin", retrieveDate: harness.now))
        await harness.advance(seconds: 1)
        await harness.chargePoint.firmwareWorkFinished()
        await harness.advance(seconds: 1)
        await harness.chargePoint.firmwareWorkFinished()
        #expect(Self.statuses(harness.uplink) == [.downloading, .downloaded, .installing, .installationFailed])
        #expect(restarts.all.isEmpty)
    }

    @Test func withoutAnInstallerTheUpdateFailsAtOnce() async throws {
        let harness = await Harness()
        _ = await harness.respond(UpdateFirmwareRequest(location: "http://fw.example/fw.bin", retrieveDate: harness.now))
        #expect(Self.statuses(harness.uplink) == [.downloadFailed])
    }
}

@Suite struct FirmwareAcrossRestartsTests {
    @Test func anUpdateCutShortByARestartStartsAgain() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        let harness = await Harness(persistence: store)
        let never = FirmwareUpdateTests.ScriptedFirmware(downloads: [])
        await harness.chargePoint.useFirmware(never)
        _ = await harness.respond(UpdateFirmwareRequest(location: "http://fw.example/fw-3.bin", retries: 2, retrieveDate: harness.now.adding(seconds: 10)))

        // The power goes before the download begins.
        var restarted = await Harness(persistence: store)
        restarted.now = harness.now
        let firmware = FirmwareUpdateTests.ScriptedFirmware(downloads: [.success("/tmp/fw-3.bin")], installs: [.success(())])
        await restarted.chargePoint.useFirmware(firmware)
        await restarted.chargePoint.loadState()
        await restarted.advance(seconds: 10)
        await restarted.chargePoint.firmwareWorkFinished()
        #expect(firmware.downloaded == ["http://fw.example/fw-3.bin"])
        await restarted.advance(seconds: 1)
        await restarted.chargePoint.firmwareWorkFinished()
        #expect(FirmwareUpdateTests.statuses(restarted.uplink) == [.downloading, .downloaded, .installing, .installed])

        // Done: a third start finds nothing to resume.
        var third = await Harness(persistence: store)
        await third.chargePoint.useFirmware(firmware)
        await third.chargePoint.loadState()
        await third.advance(seconds: 60)
        #expect(firmware.downloaded.count == 1)
        #expect(FirmwareUpdateTests.statuses(third.uplink).isEmpty)
    }
}
