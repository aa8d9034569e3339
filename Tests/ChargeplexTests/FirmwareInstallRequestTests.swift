import Testing

@testable import chargeplex

@Suite struct FirmwareInstallRequestTests {
    @Test("a request and a result read back as written")
    func roundTrip() throws {
        let request = FirmwareInstallRequest(number: 18_446_744_073_709_551_615, bootId: "5d0a6c8e-1f2b", fileName: "fw-2.0.bin")
        #expect(try FirmwareInstallRequest.parse(request.text).get() == request)
        for result in [FirmwareInstallResult(number: 7, failure: nil), FirmwareInstallResult(number: 7, failure: "exited with status 3")] {
            #expect(try FirmwareInstallResult.parse(result.text).get() == result)
        }
        // A reason over several lines stays one line.
        let multiLine = FirmwareInstallResult(number: 1, failure: "first\nsecond")
        #expect(try FirmwareInstallResult.parse(multiLine.text).get().failure == "first second")
    }

    @Test("a request that names a path, or is not a request, is refused with its reason", arguments: [
        ("request 1\nboot b\nfile ../../etc/shadow\n", "the file is missing or not a plain name in the firmware folder"),
        ("request 1\nboot b\nfile /etc/shadow\n", "the file is missing or not a plain name in the firmware folder"),
        ("request 1\nboot b\nfile .hidden\n", "the file is missing or not a plain name in the firmware folder"),
        ("request 1\nboot b\n", "the file is missing or not a plain name in the firmware folder"),
        ("request x\nboot b\nfile a.bin\n", "the request number is missing or not a number"),
        ("request 1\nrequest 2\nboot b\nfile a.bin\n", "request appears twice"),
        ("request 1\nboot b\nfile a.bin\ninstaller /bin/sh\n", "unknown line \"installer /bin/sh\""),
        ("request 1\nfile a.bin\n", "the boot id is missing"),
        (String(repeating: "x", count: 5000), "longer than 4096 bytes"),
    ])
    func badRequests(text: String, reason: String) {
        guard case .failure(let failure) = FirmwareInstallRequest.parse(text) else {
            Issue.record("accepted: \(text.prefix(60))")
            return
        }
        #expect(failure.reason == reason)
    }

    @Test("a result must say installed or failed, not both")
    func ambiguousResult() {
        guard case .failure(let failure) = FirmwareInstallResult.parse("request 1\ninstalled\nfailed no\n") else {
            Issue.record("accepted")
            return
        }
        #expect(failure.reason == "says neither installed nor failed, or both")
    }
}
