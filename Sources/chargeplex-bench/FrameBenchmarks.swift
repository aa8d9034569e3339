import OCPP16

#if canImport(Glibc)
    import Glibc
#endif

/// Decode + validate + encode of realistic frames, against the Python `ocpp`
/// library's own unpack, schema validation and pack of the same frames.
enum FrameBenchmarks {
    static let time = OCPPDateTime(millisecondsSince1970: 1_795_000_000_000)

    static var frames: [(name: String, text: String)] {
        let measurands: [Measurand] = [
            .energyActiveImportRegister, .powerActiveImport, .currentImport, .currentImport, .currentImport,
            .voltage, .voltage, .voltage, .temperature, .soc,
        ]
        let phases: [Phase?] = [nil, nil, .l1, .l2, .l3, .l1N, .l2N, .l3N, nil, nil]
        let samples = (0..<10).map { index in
            SampledValue(
                value: "\(1000 + index * 13).\(index)", context: .samplePeriodic, measurand: measurands[index],
                phase: phases[index], location: .outlet, unit: index == 0 ? .wh : nil)
        }
        let meterValues = MeterValuesRequest(
            connectorId: 1, transactionId: 4711, meterValue: [MeterValue(timestamp: time, sampledValue: samples)])
        let start = StartTransactionRequest(connectorId: 1, idTag: "04A2B3C4D5E6F7", meterStart: 1_234_567, timestamp: time)
        let profile = SetChargingProfileRequest(
            connectorId: 1,
            csChargingProfiles: ChargingProfile(
                chargingProfileId: 12, stackLevel: 1, chargingProfilePurpose: .txDefaultProfile,
                chargingProfileKind: .recurring, recurrencyKind: .daily,
                chargingSchedule: ChargingSchedule(
                    duration: 86_400, startSchedule: time, chargingRateUnit: .amperes,
                    chargingSchedulePeriod: (0..<24).map {
                        ChargingSchedulePeriod(startPeriod: $0 * 3600, limit: ChargingRate(Double(6 + $0 % 11) + 0.5), numberPhases: 3)
                    })))
        return [
            ("MeterValues(10 samples)", Frame.call(Call(messageId: "b7e1c2d0-0001", request: meterValues)).text),
            ("StartTransaction", Frame.call(Call(messageId: "b7e1c2d0-0002", request: start)).text),
            ("SetChargingProfile(24 periods)", Frame.call(Call(messageId: "b7e1c2d0-0003", request: profile)).text),
        ]
    }

    /// The agent's work for one incoming frame: read it, validate it into its
    /// typed request, and write the typed value out again.
    @inline(never)
    static func roundTrip(_ bytes: [UInt8]) throws -> Int {
        guard case .call(let call) = try Frame.parse(bytes) else { return 0 }
        let receiver: OCPPInitiator = OCPPAction(name: call.action)?.isSentByChargePoint == true ? .centralSystem : .chargePoint
        let request = try call.validatedRequest(receivedBy: receiver)
        return encode(request, messageId: call.messageId).count
    }

    static func encode<R: OCPPRequest>(_ request: R, messageId: String) -> [UInt8] {
        // What the link sends: the request writes its payload, the frame wraps it.
        Frame.call(Call(messageId: messageId, request: request)).serialized()
    }

    static func run() async throws {
        let seconds = 1.0
        var frames = frames
        if let only = getenv("CHARGEPLEX_BENCH_ONLY").map({ String(cString: $0) }) {
            // For profiling one frame at a time.
            frames = frames.filter { $0.name.hasPrefix(only) }
        }
        var ours: [String: Double] = [:]
        print("Chargeplex (decode + validate + encode):")
        for frame in frames {
            let bytes = Array(frame.text.utf8)
            var sink = 0
            let rate = try Measure.rate(seconds: seconds) { sink &+= try roundTrip(bytes) }
            let allocated = try Measure.allocations { sink &+= try roundTrip(bytes) }
            ours[frame.name] = rate
            print(
                "  \(frame.name): \(Measure.format(rate)) msg/s, \(Measure.format(allocated.count)) allocations, "
                    + "\(Measure.format(allocated.bytes / 1024, decimals: 2)) KiB allocated per message (frame \(bytes.count) B)")
            if sink == 42 { print("") }
        }

        if getenv("CHARGEPLEX_BENCH_PHASES") != nil {
            for frame in frames {
                let bytes = Array(frame.text.utf8)
                guard case .call(let call) = try Frame.parse(bytes) else { continue }
                let request = try call.validatedRequest(receivedBy: call.action == "SetChargingProfile" ? .chargePoint : .centralSystem)
                let parse = Measure.rate(seconds: 0.5) { _ = try? Frame.parse(bytes) }
                let decode = Measure.rate(seconds: 0.5) { _ = try? call.validatedRequest(receivedBy: call.action == "SetChargingProfile" ? .chargePoint : .centralSystem) }
                let encode = Measure.rate(seconds: 0.5) { _ = Self.encode(request, messageId: "x") }
                print("  \(frame.name): parse \(Measure.format(1e9 / parse)) ns, decode \(Measure.format(1e9 / decode)) ns, encode \(Measure.format(1e9 / encode)) ns")
            }
        }
        if getenv("CHARGEPLEX_BENCH_NO_PEER") != nil { return }
        let path = "/tmp/chargeplex-bench-frames-\(getpid()).tsv"
        guard let file = fopen(path, "w") else { return }
        for frame in frames { fputs("\(frame.name)\t\(frame.text)\n", file) }
        fclose(file)
        defer { unlink(path) }
        let script = benchmarksDirectory() + "/python_ocpp_frames.py"
        print("Python ocpp library (unpack + schema validation + pack):")
        let lines = Measure.shell("python3 '\(script)' '\(path)' \(seconds) 2>&1")
        var ratios: [Double] = []
        for line in lines {
            guard let space = line.lastIndex(of: " "), let rate = Double(line[line.index(after: space)...]) else {
                print("  \(line)")
                continue
            }
            let name = String(line[..<space])
            print("  \(name): \(Measure.format(rate)) msg/s")
            if let mine = ours[name], rate > 0 { ratios.append(mine / rate) }
        }
        for (frame, ratio) in zip(frames, ratios) {
            print("  ratio \(frame.name): \(Measure.format(ratio, decimals: 1))x")
        }
        if ratios.count != frames.count {
            print("  (the Python library did not report every frame: is `pip install ocpp` done?)")
        }
    }

    /// `benchmarks/` next to this package, found from the source location.
    static func benchmarksDirectory() -> String {
        var path = #filePath
        for _ in 0..<3 {
            while let last = path.last, last != "/" { path.removeLast() }
            path.removeLast()
        }
        return path + "/benchmarks"
    }
}
