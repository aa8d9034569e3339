import Security

/// Client certificate renewal: what the charger computes for a SignCertificate (a new P-256
/// key and its CSR), the part of a renewal that is on the device. The time from
/// CertificateSigned to the first frame on the new TLS session is measured end to end
/// (Tests/e2e/test_connection_security.py, printed with `pytest -s`).
enum RenewalBenchmarks {
    static func run() throws {
        let keys = try Measure.rate(seconds: 1) { _ = try PrivateKey.generateP256() }
        let requests = try Measure.rate(seconds: 1) {
            let key = try PrivateKey.generateP256()
            _ = try key.certificateSigningRequest(commonName: "CP-BENCH-0001", organization: "Bench Charging")
        }
        print("  P-256 key: \(Measure.format(1000 / keys, decimals: 3)) ms")
        print("  P-256 key and CSR (CN, O, SHA-256): \(Measure.format(1000 / requests, decimals: 3)) ms")
    }
}
