#if canImport(Glibc)
import Glibc
#endif

extension RegisterMap {
    /// Reads and checks the register map at `path`.
    public static func load(path: String) throws(PinMapError) -> RegisterMap {
        guard let text = readTextFile(path) else {
            throw PinMapError(file: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        return try RegisterMap(parsing: text, file: path)
    }

    /// Reads and checks a register map's text; `file` is used in messages only.
    public init(parsing text: String, file: String) throws(PinMapError) {
        let document = try FlatTOML(parsing: text, file: file)
        self = try RegisterMapReader(file: file).read(document)
    }

    /// The file a pin map's `map = "..."` names: a path ending in `.toml`
    /// as it is (relative to the pin map's folder), otherwise
    /// `meters/<name>.toml` beside the pin map.
    public static func path(for name: String, besidePinMap pinMapFile: String) -> String {
        let folder = pinMapFile.contains("/") ? String(pinMapFile[...pinMapFile.lastIndex(of: "/")!]) : ""
        if name.hasSuffix(".toml") { return name.hasPrefix("/") ? name : folder + name }
        return folder + "meters/" + name + ".toml"
    }
}

private struct RegisterMapReader {
    let file: String

    func read(_ document: FlatTOML) throws(PinMapError) -> RegisterMap {
        var registers: [MeterRegister] = []
        var serial: SerialRegister?
        var ocmf: OCMFBlock?
        guard let meter = document.sections.first(where: { $0.name == "meter" }) else {
            throw PinMapError(file: file, key: "meter", reason: "the [meter] section with manufacturer and model is missing")
        }
        var meterKeys = SectionKeys(meter, file: file)
        guard let manufacturer = try meterKeys.string("manufacturer"), let model = try meterKeys.string("model") else {
            let missing = meterKeys.has("manufacturer") ? "model" : "manufacturer"
            throw meterKeys.error(missing, "is required", line: meter.line)
        }
        let wordOrder = try meterKeys.choice("word_order", WordOrder.self) ?? .highFirst
        try meterKeys.refuseUnread()

        for section in document.sections {
            if section.name == "meter" { continue }
            if section.name == "serial" {
                serial = try readSerial(section, wordOrder: wordOrder)
            } else if section.name == "ocmf" {
                ocmf = try readOCMF(section)
            } else if let measurand = Measurand(rawValue: section.name) {
                registers.append(try readRegister(section, measurand: measurand, wordOrder: wordOrder))
            } else {
                let names = Measurand.allCases.map { "[\($0.rawValue)]" }.joined(separator: ", ")
                throw PinMapError(
                    file: file, line: section.line, key: section.name.isEmpty ? nil : section.name,
                    reason: section.name.isEmpty
                        ? "keys must sit in a section such as [meter]"
                        : "unknown section: use [meter], \(names), [serial] or [ocmf]")
            }
        }
        guard !registers.isEmpty else {
            throw PinMapError(file: file, reason: "the map names no value: give at least [energy]")
        }
        return RegisterMap(
            file: file, manufacturer: manufacturer, model: model,
            registers: registers.sorted { $0.measurand < $1.measurand }, serial: serial, ocmf: ocmf)
    }

    private func readRegister(_ section: FlatTOML.Section, measurand: Measurand, wordOrder: WordOrder) throws(PinMapError) -> MeterRegister {
        var keys = SectionKeys(section, file: file)
        let function = try readFunction(&keys, section: section)
        guard let type = try keys.choice("type", RegisterType.self) else {
            throw keys.error("type", "is required: one of float32, uint16, int16, uint32, int32, uint64", line: section.line)
        }
        let address = try address("address", width: type.width, &keys, section: section)
        let order = try keys.choice("word_order", WordOrder.self) ?? wordOrder
        let scale = try keys.number("scale", in: 1e-6...1e6) ?? 1
        guard let unit = try keys.string("unit") else {
            throw keys.error("unit", "is required (\(measurand.readingUnit) or a multiple of it)", line: section.line)
        }
        guard let factor = measurand.acceptedUnits[unit] else {
            let units = measurand.acceptedUnits.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw keys.error("unit", "\"\(unit)\" is no unit of \(measurand.ocppName): use \(units)")
        }
        try keys.refuseUnread()
        return MeterRegister(
            measurand: measurand, function: function, address: address, type: type, wordOrder: order,
            scale: scale, unit: unit, unitFactor: factor)
    }

    private func readSerial(_ section: FlatTOML.Section, wordOrder: WordOrder) throws(PinMapError) -> SerialRegister {
        var keys = SectionKeys(section, file: file)
        let function = try readFunction(&keys, section: section)
        guard let typeName = try keys.string("type") else {
            throw keys.error("type", "is required: \"ascii\" or a whole-number type", line: section.line)
        }
        let kind: SerialRegister.Kind
        if typeName == "ascii" {
            guard let count = try keys.integer("registers", in: 1...32) else {
                throw keys.error("registers", "is required for ascii: how many registers the text spans", line: section.line)
            }
            kind = .ascii(registers: count)
        } else {
            guard let type = RegisterType(rawValue: typeName), type != .float32, type != .int16 else {
                throw keys.error("type", "must be \"ascii\", \"uint16\", \"uint32\", \"int32\" or \"uint64\"")
            }
            kind = .number(type, try keys.choice("word_order", WordOrder.self) ?? wordOrder)
        }
        let width = switch kind {
        case .number(let type, _): type.width
        case .ascii(let count): count
        }
        let address = try address("address", width: width, &keys, section: section)
        try keys.refuseUnread()
        return SerialRegister(function: function, address: address, kind: kind)
    }

    private func readOCMF(_ section: FlatTOML.Section) throws(PinMapError) -> OCMFBlock {
        var keys = SectionKeys(section, file: file)
        func required(_ key: String, in range: ClosedRange<Int>, _ keys: inout SectionKeys) throws(PinMapError) -> Int {
            guard let value = try keys.integer(key, in: range) else {
                throw keys.error(key, "is required in [ocmf]", line: section.line)
            }
            return value
        }
        let identificationRegisters = try required("identification_registers", in: 1...32, &keys)
        let dataMaximum = try keys.integer("data_max_bytes", in: 64...4000) ?? 2000
        let keyMaximum = try keys.integer("public_key_max_bytes", in: 64...500) ?? 250
        let block = OCMFBlock(
            identification: try address("identification", width: identificationRegisters, &keys, section: section),
            identificationRegisters: identificationRegisters,
            command: try address("command", width: 1, &keys, section: section),
            status: try address("status", width: 1, &keys, section: section),
            length: try address("length", width: 1, &keys, section: section),
            data: try address("data", width: (dataMaximum + 1) / 2, &keys, section: section),
            dataMaximumBytes: dataMaximum,
            publicKeyLength: try address("public_key_length", width: 1, &keys, section: section),
            publicKey: try address("public_key", width: (keyMaximum + 1) / 2, &keys, section: section),
            publicKeyMaximumBytes: keyMaximum,
            signingTimeoutMilliseconds: try keys.integer("signing_timeout_ms", in: 100...10_000) ?? 3000,
            statusIntervalMilliseconds: try keys.integer("status_interval_ms", in: 10...1000) ?? 50)
        try keys.refuseUnread()
        return block
    }

    private func readFunction(_ keys: inout SectionKeys, section: FlatTOML.Section) throws(PinMapError) -> ReadFunction {
        guard let number = try keys.integer("function", in: 1...127) else {
            throw keys.error("function", "is required: 3 (holding registers) or 4 (input registers)", line: section.line)
        }
        guard let function = ReadFunction(rawValue: number) else {
            throw keys.error("function", "\(number) reads no registers: use 3 (holding) or 4 (input)")
        }
        return function
    }

    /// A protocol address whose `width` registers all lie below 65536.
    private func address(_ key: String, width: Int, _ keys: inout SectionKeys, section: FlatTOML.Section) throws(PinMapError) -> Int {
        guard let address = try keys.integer(key, in: 0...65_535) else {
            throw keys.error(key, "is required: the register's protocol address, e.g. 0x0048", line: section.line)
        }
        guard address <= 65_536 - width else {
            throw keys.error(key, "\(width) registers from \(address) run past 65535")
        }
        return address
    }
}
