import OCPP16

enum FrameBenchmarks {
    static func run() async throws {}
}
