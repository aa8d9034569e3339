import OCPP16
import Synchronization
import Testing

@testable import ChargePoint

/// GetDiagnostics: the file name at once, the upload after, with retries.
@Suite struct DiagnosticsUploadTests {
    final class ScriptedDiagnostics: DiagnosticsService {
        struct Upload: Equatable {
            var fileName: String
            var location: String
            var start: OCPPDateTime?
            var stop: OCPPDateTime?
        }
        let state: Mutex<(answers: [Result<Void, TransferFailure>], uploads: [Upload])>

        init(_ answers: [Result<Void, TransferFailure>]) { state = Mutex((answers, [])) }

        func upload(fileName: String, to location: String, from start: OCPPDateTime?, until stop: OCPPDateTime?) async
            -> Result<Void, TransferFailure>
        {
            state.withLock { state in
                state.uploads.append(Upload(fileName: fileName, location: location, start: start, stop: stop))
                return state.answers.isEmpty ? .failure(TransferFailure("no answer scripted")) : state.answers.removeFirst()
            }
        }

        var uploads: [Upload] { state.withLock { $0.uploads } }
    }

    static func statuses(_ uplink: RecordingUplink) -> [DiagnosticsStatus] {
        uplink.emitted.compactMap { message in
            if case .diagnosticsStatus(let request, nil) = message { request.status } else { nil }
        }
    }

    @Test func answersWithTheFileNameThenUploadsThePeriodAskedFor() async throws {
        var harness = await Harness()
        let diagnostics = ScriptedDiagnostics([.success(())])
        await harness.chargePoint.useDiagnostics(diagnostics)
        let start = harness.now.adding(seconds: -3600)
        let answer = await harness.respond(
            GetDiagnosticsRequest(location: "https://support.example/upload/", startTime: start, stopTime: harness.now), from: "maintenance")
        let fileName = try #require(answer?.fileName?.value)
        #expect(fileName == "chargeplex-diagnostics-20261118T110640Z.txt")

        await harness.advance(seconds: 1)
        await harness.chargePoint.diagnosticsWorkFinished()
        #expect(diagnostics.uploads == [.init(fileName: fileName, location: "https://support.example/upload/", start: start, stop: harness.now.adding(seconds: -1))])
        #expect(Self.statuses(harness.uplink) == [.uploading, .uploaded])
    }

    @Test func retriesAfterTheIntervalThenReportsUploadFailed() async throws {
        var harness = await Harness()
        let refused = TransferFailure("the server answered HTTP 403 Forbidden")
        let diagnostics = ScriptedDiagnostics([.failure(refused), .failure(refused)])
        await harness.chargePoint.useDiagnostics(diagnostics)
        _ = await harness.respond(GetDiagnosticsRequest(location: "http://support.example/", retries: 2, retryInterval: 300))

        await harness.advance(seconds: 1)
        await harness.chargePoint.diagnosticsWorkFinished()
        await harness.advance(seconds: 1)
        await harness.advance(seconds: 299)
        #expect(diagnostics.uploads.count == 1)
        await harness.advance(seconds: 1)
        await harness.chargePoint.diagnosticsWorkFinished()
        #expect(diagnostics.uploads.count == 2)
        #expect(Self.statuses(harness.uplink) == [.uploading, .uploading, .uploadFailed])
    }

    @Test func withoutAnUploaderThereIsNoFile() async throws {
        let harness = await Harness()
        let answer = await harness.respond(GetDiagnosticsRequest(location: "http://support.example/"))
        #expect(answer == GetDiagnosticsResponse(fileName: nil))
        #expect(Self.statuses(harness.uplink).isEmpty)
    }
}
