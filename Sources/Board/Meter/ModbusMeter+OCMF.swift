#if canImport(Glibc)
import Glibc
#endif

extension ModbusMeter {
    /// The meter's signing status register.
    enum SigningStatus: UInt16 {
        case idle = 0, busy = 1, ready = 2, failed = 3
    }

    /// Takes a signed reading through the `[ocmf]` block: the idTag before
    /// a Begin, the command, the status asked every `status_interval_ms`
    /// until ready (or failed) within `signing_timeout_ms`, then the data
    /// set's length and the data set itself, exactly as the meter holds it.
    func signedReading(
        context: SignedReadingContext, idTag: String?, now: () -> UInt64 = monotonicNow
    ) throws(ModbusFailure) -> SignedMeterReading {
        guard let block = settings.map.ocmf else { throw .badData("the register map has no [ocmf] block") }
        if context == .transactionBegin {
            try write(asciiRegisters(idTag ?? "", count: block.identificationRegisters), address: block.identification)
        }
        let command: UInt16 = switch context {
        case .transactionBegin: 1
        case .sample: 2
        case .transactionEnd: 3
        }
        try write([command], address: block.command)
        let deadline = now() &+ UInt64(block.signingTimeoutMilliseconds) * 1_000_000
        while true {
            let status = try request(.holdingRegisters, address: block.status, count: 1)[0]
            switch SigningStatus(rawValue: status) {
            case .ready?:
                return try readDataSet(block, context: context)
            case .failed?:
                throw .badData("the meter could not sign (status 3)")
            case .idle?, .busy?:
                break
            case nil:
                throw .badData("signing status \(status) is none of 0…3")
            }
            guard now() < deadline else { throw .timeout }
            // The meter's pace, not a synchronisation: the status is asked again.
            _ = Glibc.poll(nil, 0, Int32(block.statusIntervalMilliseconds))
        }
    }

    private func readDataSet(_ block: OCMFBlock, context: SignedReadingContext) throws(ModbusFailure) -> SignedMeterReading {
        let length = Int(try request(.holdingRegisters, address: block.length, count: 1)[0])
        guard length > 0, length <= block.dataMaximumBytes else {
            throw .badData("data set length \(length) outside 1…\(block.dataMaximumBytes)")
        }
        let bytes = try readBytes(at: block.data, byteCount: length)
        guard let text = String(validating: bytes, as: UTF8.self), text.hasPrefix("OCMF|"),
              text.split(separator: "|", omittingEmptySubsequences: false).count == 3
        else { throw .badData("the data set is not OCMF|{payload}|{signature}") }
        return SignedMeterReading(context: context, data: text, energyWattHours: Self.energy(inOCMF: text))
    }

    /// The first reading value (`"RV":12.345`, kWh) of the payload, in Wh;
    /// nil when it is missing or no plausible energy. For the charge
    /// point's record only: the data set goes on as read.
    static func energy(inOCMF text: String) -> Int64? {
        let bytes = Array(text.utf8)
        let key = Array("\"RV\":".utf8)
        guard bytes.count > key.count,
              let start = (0...(bytes.count - key.count)).first(where: { bytes[$0..<($0 + key.count)].elementsEqual(key) })
        else { return nil }
        let number = bytes[(start + key.count)...].prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0) }
        guard let kilowattHours = Double(String(decoding: number.filter { $0 != UInt8(ascii: " ") }, as: UTF8.self)),
              kilowattHours.isFinite,
              kilowattHours >= 0, kilowattHours <= 1e12 else { return nil }
        return Int64((kilowattHours * 1000).rounded())
    }
}
