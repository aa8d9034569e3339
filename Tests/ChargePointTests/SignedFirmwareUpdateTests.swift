import Board
import OCPP16
import Store
import Synchronization
import Testing

@testable import ChargePoint

/// SignedUpdateFirmware: the signing certificate checked at once, the file fetched like
/// UpdateFirmware, installed only once its signature is verified, at installDateTime at the
/// earliest and never during a transaction; every step told to the requester with its requestId.
@Suite struct SignedFirmwareUpdateTests {
    typealias ScriptedFirmware = FirmwareUpdateTests.ScriptedFirmware

    /// Answers the certificate check and each signature check as told.
    final class ScriptedVerifier: FirmwareVerifier {
        let certificate: FirmwareVerification
        let signatures: Mutex<[FirmwareVerification]>
        let checkedFiles = Mutex<[String]>([])

        init(certificate: FirmwareVerification = .verified, signatures: [FirmwareVerification] = [.verified, .verified]) {
            self.certificate = certificate
            self.signatures = Mutex(signatures)
        }

        func checkSigningCertificate(_ pem: String, now: OCPPDateTime) -> FirmwareVerification { certificate }

        func verify(file: String, signingCertificate pem: String, signature: String, now: OCPPDateTime) async -> FirmwareVerification {
            checkedFiles.withLock { $0.append(file) }
            return signatures.withLock { $0.isEmpty ? .failed("no answer scripted") : $0.removeFirst() }
        }
    }

    static func request(
        _ location: String = "https://fw.example/fw-2.bin", id: Int = 7, retrieve: OCPPDateTime, install: OCPPDateTime? = nil,
        retries: Int? = nil, retryInterval: Int? = nil
    ) -> SignedUpdateFirmwareRequest {
        SignedUpdateFirmwareRequest(
            retries: retries, retryInterval: retryInterval, requestId: id,
            firmware: SignedFirmware(
                location: RemoteLocation(truncating: location), retrieveDateTime: retrieve, installDateTime: install,
                signingCertificate: "-----BEGIN CERTIFICATE-----\nsigner\n-----END CERTIFICATE-----\n", signature: "c2lnbmF0dXJl"))
    }

    /// The signed statuses emitted, with their requestId and recipient.
    static func signed(_ uplink: RecordingUplink) -> [(SignedFirmwareStatus, Int?, String?)] {
        uplink.emitted.compactMap { message in
            if case .signedFirmwareStatus(let request, let to) = message { (request.status, request.requestId, to) } else { nil }
        }
    }

    static func statuses(_ uplink: RecordingUplink) -> [SignedFirmwareStatus] { signed(uplink).map(\.0) }

    static func securityEvents(_ uplink: RecordingUplink) -> [String] {
        uplink.emitted.compactMap { message in
            if case .securityEvent(let event, nil) = message { event.type.value } else { nil }
        }
    }

    final class Restarts: Sendable {
        let requests = Mutex<[ChargePointRequest]>([])
        var all: [ChargePointRequest] { requests.withLock { $0 } }
    }

    struct Setup {
        var harness: Harness
        let firmware: ScriptedFirmware
        let verifier: ScriptedVerifier
        let restarts = Restarts()

        init(
            downloads: [Result<String, TransferFailure>] = [.success("/state/firmware/fw-2.bin")],
            installs: [Result<Void, TransferFailure>] = [.success(())], verifier: ScriptedVerifier = ScriptedVerifier(),
            persistence: KeyValueStoreProvider? = nil
        ) async {
            harness = await Harness(settings: [("AuthorizeRemoteTxRequests", "false")], persistence: persistence?.store)
            firmware = ScriptedFirmware(downloads: downloads, installs: installs)
            self.verifier = verifier
            await harness.chargePoint.useFirmware(firmware)
            await harness.chargePoint.useFirmwareVerifier(verifier)
            let restarts = self.restarts
            await harness.chargePoint.attach(uplink: harness.uplink, requests: { request in restarts.requests.withLock { $0.append(request) } })
        }

        /// One tick, then whatever download or check it started has ended.
        mutating func step(seconds: Int64 = 1) async {
            await harness.advance(seconds: seconds)
            await harness.chargePoint.firmwareWorkFinished()
        }
    }

    /// A store that outlives one charge point, for restarts.
    struct KeyValueStoreProvider {
        let store: KeyValueStore
    }

    @Test func aVerifiedFileWaitsForItsInstallTimeAndTheDriverThenIsInstalled() async throws {
        var setup = await Setup()
        await setup.harness.plug()
        _ = await setup.harness.respond(RemoteStartTransactionRequest(connectorId: 1, idTag: "DRIVER"))
        let start = setup.harness.now
        let answer = await setup.harness.respond(
            Self.request(retrieve: start.adding(seconds: 60), install: start.adding(seconds: 120)), from: "maintenance")
        #expect(answer?.status == .accepted)
        // Nothing is told before the answer: the schedule comes with the next tick.
        #expect(Self.statuses(setup.harness.uplink).isEmpty)

        await setup.step()
        #expect(Self.statuses(setup.harness.uplink) == [.downloadScheduled])
        await setup.step(seconds: 59)
        #expect(setup.firmware.downloaded == ["https://fw.example/fw-2.bin"])
        #expect(setup.verifier.checkedFiles.withLock { $0 } == ["/state/firmware/fw-2.bin"])
        #expect(Self.statuses(setup.harness.uplink) == [.downloadScheduled, .downloading, .downloaded, .signatureVerified, .installScheduled])

        // The install time comes, but a driver is charging: nothing restarts under them.
        await setup.step(seconds: 600)
        #expect(setup.firmware.installed.isEmpty)
        #expect(setup.restarts.all.isEmpty)

        _ = await setup.harness.respond(RemoteStopTransactionRequest(transactionId: 1))
        await setup.step()
        #expect(setup.firmware.installed == ["/state/firmware/fw-2.bin"])
        // Checked once after the download and once more just before the installer ran.
        #expect(setup.verifier.checkedFiles.withLock { $0 }.count == 2)
        #expect(Self.statuses(setup.harness.uplink) == [
            .downloadScheduled, .downloading, .downloaded, .signatureVerified, .installScheduled, .installing, .installed,
        ])
        #expect(Self.signed(setup.harness.uplink).allSatisfy { $0.1 == 7 && $0.2 == "maintenance" })
        #expect(setup.restarts.all == [.restart(.hard)])
        // No plain FirmwareStatusNotification for a signed update, and a trigger now says Idle.
        #expect(FirmwareUpdateTests.statuses(setup.harness.uplink).isEmpty)
        #expect(await setup.harness.chargePoint.currentSignedFirmwareStatus == SignedFirmwareStatusNotificationRequest(status: .idle))
    }

    @Test func aSigningCertificateThatDoesNotChainIsAnsweredAtOnceWithASecurityEvent() async throws {
        var setup = await Setup(verifier: ScriptedVerifier(certificate: .refused("unable to get local issuer certificate")))
        let answer = await setup.harness.respond(Self.request(retrieve: setup.harness.now), from: "maintenance")
        #expect(answer?.status == .invalidCertificate)
        #expect(Self.securityEvents(setup.harness.uplink) == ["InvalidFirmwareSigningCertificate"])
        await setup.step(seconds: 10)
        #expect(setup.firmware.downloaded.isEmpty)
        #expect(Self.statuses(setup.harness.uplink).isEmpty)
    }

    @Test func aBadSignatureIsReportedWithASecurityEventAndNothingIsInstalled() async throws {
        var setup = await Setup(verifier: ScriptedVerifier(signatures: [.refused("the signature does not match the file")]))
        #expect(await setup.harness.respond(Self.request(id: 12, retrieve: setup.harness.now), from: "home")?.status == .accepted)
        await setup.step()
        await setup.step(seconds: 60)
        #expect(Self.statuses(setup.harness.uplink) == [.downloading, .downloaded, .invalidSignature])
        #expect(Self.securityEvents(setup.harness.uplink) == ["InvalidFirmwareSignature"])
        #expect(setup.firmware.installed.isEmpty)
        #expect(setup.restarts.all.isEmpty)
        // A trigger repeats the last status with its requestId.
        #expect(await setup.harness.chargePoint.currentSignedFirmwareStatus == SignedFirmwareStatusNotificationRequest(status: .invalidSignature, requestId: 12))
    }

    @Test func aFileChangedWhileItWaitedIsNotInstalled() async throws {
        var setup = await Setup(verifier: ScriptedVerifier(signatures: [.verified, .refused("the signature does not match the file")]))
        _ = await setup.harness.respond(Self.request(retrieve: setup.harness.now), from: "home")
        await setup.step()
        await setup.step()
        #expect(Self.statuses(setup.harness.uplink) == [.downloading, .downloaded, .signatureVerified, .installing, .installVerificationFailed])
        #expect(Self.securityEvents(setup.harness.uplink) == ["InvalidFirmwareSignature"])
        #expect(setup.firmware.installed.isEmpty)
    }

    @Test func aFailedDownloadIsScheduledAgainThenFailsForGood() async throws {
        let failure = TransferFailure("HTTP 404 Not Found")
        var setup = await Setup(downloads: [.failure(failure), .failure(failure)])
        _ = await setup.harness.respond(Self.request(retrieve: setup.harness.now, retries: 2, retryInterval: 30), from: "home")
        await setup.step()
        await setup.step()
        await setup.step()
        #expect(Self.statuses(setup.harness.uplink) == [.downloading, .downloadScheduled])
        await setup.step(seconds: 30)
        #expect(Self.statuses(setup.harness.uplink) == [.downloading, .downloadScheduled, .downloading, .downloadFailed])
        #expect(setup.firmware.downloaded.count == 2)
    }

    @Test func aNewRequestCancelsTheOneUnderWay() async throws {
        var setup = await Setup(downloads: [.success("/state/firmware/fw-3.bin")])
        let now = setup.harness.now
        #expect(await setup.harness.respond(Self.request("https://fw.example/fw-2.bin", id: 1, retrieve: now.adding(seconds: 3600)), from: "home")?.status == .accepted)
        let second = Self.request("https://fw.example/fw-3.bin", id: 2, retrieve: now)
        #expect(await setup.harness.respond(second, from: "maintenance")?.status == .acceptedCanceled)
        await setup.step()
        await setup.step(seconds: 3600)
        #expect(setup.firmware.downloaded == ["https://fw.example/fw-3.bin"])
        #expect(Self.signed(setup.harness.uplink).allSatisfy { $0.1 == 2 && $0.2 == "maintenance" })
        #expect(Self.statuses(setup.harness.uplink) == [.downloading, .downloaded, .signatureVerified, .installing, .installed])
    }

    /// Downloads at once; an installation runs until the test lets it end.
    final class GatedFirmware: FirmwareService {
        let gate: AsyncStream<Void>
        let opener: AsyncStream<Void>.Continuation

        init() {
            (gate, opener) = AsyncStream.makeStream()
        }

        func download(from location: String) async -> Result<String, TransferFailure> { .success("/state/firmware/fw.bin") }

        func install(_ file: String) async -> Result<Void, TransferFailure> {
            for await _ in gate { break }
            return .success(())
        }
    }

    @Test func aRequestWhileTheInstallerRunsIsRejectedAndChangesNothing() async throws {
        var harness = await Harness()
        let firmware = GatedFirmware()
        await harness.chargePoint.useFirmware(firmware)
        await harness.chargePoint.useFirmwareVerifier(ScriptedVerifier())
        _ = await harness.respond(Self.request(id: 5, retrieve: harness.now), from: "home")
        await harness.advance(seconds: 1)
        await harness.chargePoint.firmwareWorkFinished()
        await harness.advance(seconds: 1)
        #expect(Self.statuses(harness.uplink).last == .installing)

        #expect(await harness.respond(Self.request(id: 6, retrieve: harness.now), from: "maintenance")?.status == .rejected)
        firmware.opener.yield()
        await harness.chargePoint.firmwareWorkFinished()
        #expect(Self.signed(harness.uplink).map { $0.0 } == [.downloading, .downloaded, .signatureVerified, .installing, .installed])
        #expect(Self.signed(harness.uplink).allSatisfy { $0.1 == 5 && $0.2 == "home" })
    }

    @Test func withoutAnInstallerTheRequestIsRejected() async throws {
        let harness = await Harness()
        await harness.chargePoint.useFirmwareVerifier(ScriptedVerifier())
        #expect(await harness.respond(Self.request(retrieve: harness.now))?.status == .rejected)
        #expect(Self.statuses(harness.uplink).isEmpty)
        #expect(Self.securityEvents(harness.uplink).isEmpty)
    }

    @Test func aSignedUpdateCutShortByARestartResumesForItsRequester() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        let first = await Setup(downloads: [], persistence: KeyValueStoreProvider(store: store))
        _ = await first.harness.respond(
            Self.request(id: 31, retrieve: first.harness.now.adding(seconds: 10), retries: 2), from: "maintenance")

        var restarted = await Setup(persistence: KeyValueStoreProvider(store: store))
        restarted.harness.now = first.harness.now
        await restarted.harness.chargePoint.loadState()
        await restarted.step()
        await restarted.step(seconds: 9)
        await restarted.step()
        #expect(restarted.firmware.installed == ["/state/firmware/fw-2.bin"])
        #expect(Self.statuses(restarted.harness.uplink) == [
            .downloadScheduled, .downloading, .downloaded, .signatureVerified, .installing, .installed,
        ])
        #expect(Self.signed(restarted.harness.uplink).allSatisfy { $0.1 == 31 && $0.2 == "maintenance" })
    }
}
