import Foundation
import OCPP16
import Testing

import ChargePoint
@testable import chargeplex

/// Signed firmware checked against a ManufacturerRootCertificate store of PEM files, with
/// certificates and signatures made by the `openssl` command (valid until 2125):
///
///     manufacturer CA ── firmware signer (P-256), RSA signer (2048 bits)
///     another CA      ── a signer with the same name as ours
///
/// Each signature is `openssl dgst -sha256 -sign KEY firmware.bin | base64`.
@Suite struct ManufacturerFirmwareVerifierTests {
    static let manufacturerRoot = """
-----BEGIN CERTIFICATE-----
MIIBqzCCAVGgAwIBAgIUVZoIaYBneQnzrWUjCzmOgQPMdd4wCgYIKoZIzj0EAwIw
KjEoMCYGA1UEAwwfQ2hhcmdlcGxleCBUZXN0IE1hbnVmYWN0dXJlciBDQTAgFw0y
NjExMzAxNjA1NTNaGA8yMTI2MTEwNjE2MDU1M1owKjEoMCYGA1UEAwwfQ2hhcmdl
cGxleCBUZXN0IE1hbnVmYWN0dXJlciBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABFigCFX9MqOyDrjNGoowrTsqzWWv+d58MSYIA75Ev7rQPmadjzzSo6wi90vJ
maOOdrflVyDDzo41owInZouDFJCjUzBRMB0GA1UdDgQWBBTY94j8zxsAJVjC9eSC
rsjwnAk7BDAfBgNVHSMEGDAWgBTY94j8zxsAJVjC9eSCrsjwnAk7BDAPBgNVHRMB
Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDupLJOvI9xL49D2Rj3o/0vC+8+
g7dAXk4K964ieigFJwIgA9ENJrYVlFS/FAI6sFE3lLKm4APrYFYZiHY7F5GFUxs=
-----END CERTIFICATE-----
"""
    static let signer = """
-----BEGIN CERTIFICATE-----
MIIBxjCCAW2gAwIBAgIUCNwnw6CnBvU8/HELzbK+qbdRNggwCgYIKoZIzj0EAwIw
KjEoMCYGA1UEAwwfQ2hhcmdlcGxleCBUZXN0IE1hbnVmYWN0dXJlciBDQTAgFw0y
NjExMzAxNjA1NTNaGA8yMTI2MTEwNjE2MDU1M1owKjEoMCYGA1UEAwwfQ2hhcmdl
cGxleCBUZXN0IEZpcm13YXJlIFNpZ25lcjBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABFBLlNwk0ubtCllMTc0jfrGfe+D5yCqdoDWjhix9DSDjZEopizun7uan/guL
6GOclL1yGndY7EKkGJu9KSFPB96jbzBtMAkGA1UdEwQCMAAwCwYDVR0PBAQDAgeA
MBMGA1UdJQQMMAoGCCsGAQUFBwMDMB0GA1UdDgQWBBT1PLWO+qdRLx/Q0Z9ahr8v
M17KLDAfBgNVHSMEGDAWgBTY94j8zxsAJVjC9eSCrsjwnAk7BDAKBggqhkjOPQQD
AgNHADBEAiAuqnvWWHnZXgg+JyGmeFxItfRcE1pKbIN3gQ4iTLixNAIgRL3EZYZd
d0R3FJ2I5HOdiM6FODZTKZJAfvXyggxh1eA=
-----END CERTIFICATE-----
"""
    static let rsaSigner = """
-----BEGIN CERTIFICATE-----
MIICjTCCAjOgAwIBAgIUCNwnw6CnBvU8/HELzbK+qbdRNgkwCgYIKoZIzj0EAwIw
KjEoMCYGA1UEAwwfQ2hhcmdlcGxleCBUZXN0IE1hbnVmYWN0dXJlciBDQTAgFw0y
NjExMzAxNjA1NTRaGA8yMTI2MTEwNjE2MDU1NFowJTEjMCEGA1UEAwwaQ2hhcmdl
cGxleCBUZXN0IFJTQSBTaWduZXIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQC9tWMFFYk4cTvSCx81dTjj/3465Z6jIGGZ6xDpUj7eOJydjMh0I4gPCqug
toxoGdMFA8ua3e0bi4Dms+uoDRaoyth6H2lDAS1f+uIvVIwaTAW2NkUsgqvNXnaZ
h6UcFQdOj6hjYMCIgGjbZUTKvfIAJ3KrKri5Xmtx6zBGQvNic9hqJKZQ/SLDDoKx
q4TQZLuB3o1t5EABzapW+8yi4kuPDC/KzLARZya2urzxt8oQ21AZfpgNHMBcnp2c
WjpFX80tUNoc9IPPyQxmA+SFguQgjLkhjfgPmm1DLpm3ugcnsB9UGcc+4ixsFTvB
3hF2sikHvukZDrturqy52iydw08fAgMBAAGjbzBtMAkGA1UdEwQCMAAwCwYDVR0P
BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMDMB0GA1UdDgQWBBRuwdgAGXNkEWPP
TMMEjaUTMJE3SDAfBgNVHSMEGDAWgBTY94j8zxsAJVjC9eSCrsjwnAk7BDAKBggq
hkjOPQQDAgNIADBFAiAyUAg0+/IM3WDaXuPVvVEjXQd8r6E7+9vaYl4618KrXwIh
APy0QBwSJ15uFPB1bym+6xzqVsYrFy9tVwqudl3a1fSk
-----END CERTIFICATE-----
"""
    static let foreignRoot = """
-----BEGIN CERTIFICATE-----
MIIBjDCCATGgAwIBAgIUfIULmo4wj3iervcK9KX7LGTbd44wCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPU29tZW9uZSBFbHNlIENBMCAXDTI2MTEzMDE2MDU1M1oYDzIx
MjYxMTA2MTYwNTUzWjAaMRgwFgYDVQQDDA9Tb21lb25lIEVsc2UgQ0EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAASvP619rBZUdIfKtOg44cBJjeTsCHkgWBHYYDi2
HoOG9D+tny5jE4+MRUVbqpXUpsd3j1hy7H+EEkLQjwH8U/C5o1MwUTAdBgNVHQ4E
FgQUd/k5kpAeJeWSJwJCBW1iA+N6KUwwHwYDVR0jBBgwFoAUd/k5kpAeJeWSJwJC
BW1iA+N6KUwwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAlNbr
oL4VSWxJ/oD1zinAPc/UpJiCLVh7kZ9c6yonZ3ECIQCbYgbtM+VPJji6ASqffhFO
IDkUq0kZg1itkGjrRWBN7A==
-----END CERTIFICATE-----
"""
    static let foreignSigner = """
-----BEGIN CERTIFICATE-----
MIIBtzCCAV2gAwIBAgIURDi4sIL/iv/WYIMFeYhX+eL3Z4IwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPU29tZW9uZSBFbHNlIENBMCAXDTI2MTEzMDE2MDU1M1oYDzIx
MjYxMTA2MTYwNTUzWjAqMSgwJgYDVQQDDB9DaGFyZ2VwbGV4IFRlc3QgRmlybXdh
cmUgU2lnbmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJqxGsF2H7UvFg+sl
q6GwTVzFQt+nRgnW6vYcDvyng+v2uxCqXXnZ/eZe9FO7ZPGPXbu3EcZ63LNCvOiO
deqkBaNvMG0wCQYDVR0TBAIwADALBgNVHQ8EBAMCB4AwEwYDVR0lBAwwCgYIKwYB
BQUHAwMwHQYDVR0OBBYEFDZAennEpo+GRfK9E74COvwToY5AMB8GA1UdIwQYMBaA
FHf5OZKQHiXlkicCQgVtYgPjeilMMAoGCCqGSM49BAMCA0gAMEUCIASVYcf8rqBO
Yb6MocZ/AhwHPFQ+UYZ/3iA+LiekGhuYAiEA9OBeV4AJUkYoQKyf0Kv3tep51rq3
L95EurJVXQAdKJI=
-----END CERTIFICATE-----
"""
    static let firmware = Array("chargeplex firmware 2.0\n".utf8)
    static let signature = "MEYCIQDdtlk9Bwv03rm/UK5XLvtlUJruha2KDMIU/xtDiOkZ7gIhANyfrrsyqkkblCIQK0RacMP3lmQJWUlwPSzz1oQyj/J/"
    static let rsaSignature = "bhHmKVJOzlsyK9PRZNb2wFYeA0fXVeM0bWdgV6zMhK7Qb4BiefowoPMIPF+O0TvHhNgNhuN5kYVpFJJxC6JzlCA7cOKTf+RtbSPwO3sAxGuQDOQWc9krR+N3e9KTVD7G7VwZDVY/lTAZWrSJMj9+qIg/qRBi8Xx0VaJzFZ1gb3HqhRF3Vu0Q7xhwe/tp5rBZWS5Ocy1+YjB2krIHPMzkUdDYVPLN2PaayByuI3yOu1QNELUmQBV+D4dU2TICfdw0bXMMTUr/Tb2UTN6I7Wtwr/mBNONU1a5xAJvr4k/8qG1c/2WR7N8KXoLI3KvoMOe6VTu/qmm/w7DLySSu9La5Og=="
    static let foreignSignature = "MEQCIA7dk/YYZEw5hf8Gn2xUg2Iap4FWIzWYHlJ1JY4WAEbWAiASthIfwopfXnaqpPmNkih5vor464v6jb0Gt1ELLRm3bA=="

    /// 2026-12-01, inside every certificate's validity.
    static let now = OCPPDateTime(secondsSince1970: 1_796_083_200)

    /// A state directory whose manufacturer store holds `roots`, and the firmware file in it.
    struct Store {
        let state: TemporaryDirectory
        let verifier: ManufacturerFirmwareVerifier
        let file: String

        init(roots: [String]) throws {
            state = try TemporaryDirectory()
            let store = CertificateStores(stateDirectory: state.path).manufacturer
            let directory = store.directory
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, root) in roots.enumerated() {
                try root.write(toFile: directory + "/root\(index).pem", atomically: true, encoding: .utf8)
            }
            verifier = ManufacturerFirmwareVerifier(store: store)
            file = state.path + "/firmware.bin"
            try Data(ManufacturerFirmwareVerifierTests.firmware).write(to: URL(fileURLWithPath: file))
        }
    }

    static func isRefused(_ verdict: FirmwareVerification) -> Bool {
        if case .refused = verdict { true } else { false }
    }

    @Test func aSignerIssuedByAManufacturerRootIsAcceptedAndAForeignOneIsNot() throws {
        let store = try Store(roots: [Self.manufacturerRoot])
        #expect(store.verifier.checkSigningCertificate(Self.signer, now: Self.now) == .verified)
        #expect(store.verifier.checkSigningCertificate(Self.rsaSigner, now: Self.now) == .verified)
        #expect(Self.isRefused(store.verifier.checkSigningCertificate(Self.foreignSigner, now: Self.now)))
        #expect(Self.isRefused(store.verifier.checkSigningCertificate("-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n", now: Self.now)))
    }

    @Test func withoutAManufacturerRootNothingIsAccepted() throws {
        let empty = try Store(roots: [])
        #expect(empty.verifier.checkSigningCertificate(Self.signer, now: Self.now) == .refused("no manufacturer root certificate is installed"))
        // The foreign CA installed as a root makes only its own signer acceptable.
        let foreign = try Store(roots: [Self.foreignRoot])
        #expect(foreign.verifier.checkSigningCertificate(Self.foreignSigner, now: Self.now) == .verified)
        #expect(Self.isRefused(foreign.verifier.checkSigningCertificate(Self.signer, now: Self.now)))
    }

    @Test func aSigningCertificatePastItsValidityIsRefused() throws {
        let store = try Store(roots: [Self.manufacturerRoot])
        let later = OCPPDateTime(secondsSince1970: 5_000_000_000)  // 2128
        #expect(Self.isRefused(store.verifier.checkSigningCertificate(Self.signer, now: later)))
    }

    @Test func theSignatureIsCheckedOverTheWholeFileWithECDSAOrRSA() async throws {
        let store = try Store(roots: [Self.manufacturerRoot])
        #expect(await store.verifier.verify(file: store.file, signingCertificate: Self.signer, signature: Self.signature, now: Self.now) == .verified)
        #expect(await store.verifier.verify(file: store.file, signingCertificate: Self.rsaSigner, signature: Self.rsaSignature, now: Self.now) == .verified)
        // Another key's signature, a signature of the wrong kind for the key, not base64.
        #expect(Self.isRefused(await store.verifier.verify(file: store.file, signingCertificate: Self.signer, signature: Self.foreignSignature, now: Self.now)))
        #expect(Self.isRefused(await store.verifier.verify(file: store.file, signingCertificate: Self.rsaSigner, signature: Self.signature, now: Self.now)))
        #expect(Self.isRefused(await store.verifier.verify(file: store.file, signingCertificate: Self.signer, signature: "not*base64", now: Self.now)))
        // A good signature from a signer the store does not trust.
        #expect(Self.isRefused(await store.verifier.verify(file: store.file, signingCertificate: Self.foreignSigner, signature: Self.foreignSignature, now: Self.now)))
    }

    @Test func oneChangedByteInTheFileFailsTheSignature() async throws {
        let store = try Store(roots: [Self.manufacturerRoot])
        var changed = Self.firmware
        changed[0] ^= 1
        try Data(changed).write(to: URL(fileURLWithPath: store.file))
        let verdict = await store.verifier.verify(file: store.file, signingCertificate: Self.signer, signature: Self.signature, now: Self.now)
        #expect(Self.isRefused(verdict))
    }

    @Test func aFileThatCannotBeReadIsNotTakenForABadSignature() async throws {
        let store = try Store(roots: [Self.manufacturerRoot])
        let verdict = await store.verifier.verify(file: store.state.path + "/missing.bin", signingCertificate: Self.signer, signature: Self.signature, now: Self.now)
        guard case .failed = verdict else {
            Issue.record("expected failed, got \(verdict)")
            return
        }
    }
}
