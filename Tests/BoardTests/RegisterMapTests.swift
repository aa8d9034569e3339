import Testing

@testable import Board

private func mapRefusal(_ text: String) -> PinMapError? {
    do {
        _ = try RegisterMap(parsing: text, file: "meter.toml")
        Issue.record("the map was accepted")
        return nil
    } catch {
        return error
    }
}

private let header = """
    [meter]
    manufacturer = "Test"
    model = "M1"

    """

/// A register of `type` for `measurand`, to decode words with.
private func register(
    _ type: RegisterType, _ order: WordOrder = .highFirst, scale: Double = 1, unit: String = "kWh",
    measurand: Measurand = .energy
) -> MeterRegister {
    MeterRegister(
        measurand: measurand, function: .inputRegisters, address: 0, type: type, wordOrder: order,
        scale: scale, unit: unit, unitFactor: measurand.acceptedUnits[unit]!)
}

@Suite struct RegisterMapTests {
    static let folder = ShippedPinMapTests.folder + "meters/"

    @Test(arguments: ["eastron-sdm630", "eastron-sdm72d", "abb-b23", "chargeplex-ocmf"])
    func shippedMapsLoadWithEveryMeasurand(name: String) throws {
        let map = try RegisterMap.load(path: Self.folder + name + ".toml")
        #expect(map.registers.map(\.measurand) == Measurand.allCases)
        #expect(map.serial != nil)
        #expect((map.ocmf != nil) == (name == "chargeplex-ocmf"))
    }

    @Test func sdm630RegistersAreTheDocumentedOnes() throws {
        let map = try RegisterMap.load(path: Self.folder + "eastron-sdm630.toml")
        let energy = try #require(map.register(.energy))
        #expect(energy.function == .inputRegisters && energy.address == 0x48 && energy.type == .float32 && energy.unit == "kWh")
        #expect(map.register(.power)?.address == 0x34)
        #expect(map.register(.frequency)?.address == 0x46)
        #expect(map.serial == SerialRegister(function: .holdingRegisters, address: 0xFC00, kind: .number(.uint32, .highFirst)))
        // Voltages and currents are one read, power another, frequency and energy a third.
        #expect(ModbusMeter.groups(of: map.registers).map { $0.map(\.address) } == [[0, 2, 4, 6, 8, 10], [0x34], [0x46, 0x48]])
    }

    @Test func ocmfProfileBlock() throws {
        let map = try RegisterMap.load(path: Self.folder + "chargeplex-ocmf.toml")
        let block = try #require(map.ocmf)
        #expect(block.identification == 0x1000 && block.identificationRegisters == 10)
        #expect(block.command == 0x1010 && block.status == 0x1011 && block.length == 0x1012 && block.data == 0x1100)
        #expect(block.publicKeyLength == 0x1500 && block.publicKey == 0x1501 && block.dataMaximumBytes == 2000)
        #expect(map.serial == SerialRegister(function: .holdingRegisters, address: 0x1600, kind: .ascii(registers: 16)))
    }

    @Test func badMapsAreRefusedWithLineAndReason() throws {
        let cases: [(String, String)] = [
            ("[energy]\nfunction = 4\naddress = 0x48\ntype = \"float32\"\nunit = \"kWh\"",
             "meter.toml: meter: the [meter] section with manufacturer and model is missing"),
            (header + "[energy]\nfunction = 5\naddress = 0x48\ntype = \"float32\"\nunit = \"kWh\"",
             "meter.toml:5: energy.function: 5 reads no registers: use 3 (holding) or 4 (input)"),
            (header + "[energy]\nfunction = 4\naddress = 0xFFFF\ntype = \"float32\"\nunit = \"kWh\"",
             "meter.toml:6: energy.address: 2 registers from 65535 run past 65535"),
            (header + "[energy]\nfunction = 4\naddress = 0x48\ntype = \"float64\"\nunit = \"kWh\"",
             "meter.toml:7: energy.type: must be one of \"float32\", \"uint16\", \"int16\", \"uint32\", \"int32\", \"uint64\""),
            (header + "[energy]\nfunction = 4\naddress = 0x48\ntype = \"float32\"\nunit = \"W\"",
             "meter.toml:8: energy.unit: \"W\" is no unit of Energy.Active.Import.Register: use \"MWh\", \"Wh\", \"kWh\""),
            (header + "[power]\nfunction = 4\naddress = 0x34\ntype = \"int32\"\nscale = 0\nunit = \"W\"",
             "meter.toml:8: power.scale: 0.0 is outside 1e-06…1000000.0"),
            (header + "[power]\nfunction = 4\naddress = 0x34\ntype = \"int32\"\nscale = 1e3\nunit = \"W\"",
             "meter.toml:8: power.scale: the value must be \"text\", a number, true or false"),
            (header + "[energy]\nfunction = 4\naddress = 0x48\ntype = \"float32\"\nunit = \"kWh\"\nword_order = \"middle\"",
             "meter.toml:9: energy.word_order: must be one of \"high-first\", \"low-first\""),
            (header + "[energy]\nfunction = 4\naddress = 0x48\ntype = \"float32\"",
             "meter.toml:4: energy.unit: is required (Wh or a multiple of it)"),
            (header + "[energy]\nfunction = 4\naddress = 0x48\ntype = \"float32\"\nunit = \"kWh\"\nphase = \"L1\"",
             "meter.toml:9: energy.phase: unknown key in [energy]"),
            (header + "[reactive]\nfunction = 4",
             "meter.toml:4: reactive: unknown section: use [meter], [energy], [power], [current.l1], [current.l2], [current.l3], [voltage.l1], [voltage.l2], [voltage.l3], [frequency], [serial] or [ocmf]"),
            (header, "meter.toml: the map names no value: give at least [energy]"),
        ]
        for (text, expected) in cases {
            #expect(mapRefusal(text)?.description == expected)
        }
    }

    @Test func wordOrderAndScale() throws {
        // 1234.5 as float32 is 0x449A5000.
        #expect(register(.float32).value([0x449A, 0x5000]) == 1_234_500)
        #expect(register(.float32, .lowFirst).value([0x5000, 0x449A]) == 1_234_500)
        // ABB: 0.01 kWh steps in a uint64, high word first.
        let abb = register(.uint64, scale: 0.01)
        #expect(abb.value([0, 0, 0x0001, 0x86A0]) == 1_000_000)  // 100000 × 0.01 kWh = 1000 kWh
        #expect(register(.uint64, .lowFirst, scale: 0.01).value([0x86A0, 0x0001, 0, 0]) == 1_000_000)
        let power = register(.int32, scale: 0.01, unit: "W", measurand: .power)
        #expect(power.value([0xFFFF, 0xFF9C]) == -1)  // -100 × 0.01 W
        #expect(register(.uint16, scale: 0.01, unit: "Hz", measurand: .frequency).value([5000]) == 50)
        #expect(register(.int16, unit: "A", measurand: .currentL1).value([0xFFFE]) == -2)
    }

    @Test func numbersThatAreNoReadingAreRefused() {
        let energy = register(.float32)
        #expect(energy.value([0x7FC0, 0x0000]) == nil)  // NaN
        #expect(energy.value([0x7F80, 0x0000]) == nil)  // +infinity
        #expect(energy.value([0xFF80, 0x0000]) == nil)  // -infinity
        #expect(energy.value([0xC000, 0x0000]) == nil)  // -2 kWh: energy never negative
        #expect(energy.value([0x7F7F, 0xFFFF]) == nil)  // float32 max: beyond any meter, no Int64 overflow
        #expect(register(.uint64, unit: "MWh").value([0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]) == nil)
        #expect(energy.value([0x449A]) == nil)  // one word short
        #expect(register(.float32, unit: "Hz", measurand: .frequency).value([0x4248, 0x0000]) == 50)
    }

    @Test func serialAndOCMFText() {
        let serial = SerialRegister(function: .holdingRegisters, address: 0, kind: .number(.uint32, .highFirst))
        #expect(serial.text([0x00BC, 0x614E]) == "12345678")
        let text = SerialRegister(function: .holdingRegisters, address: 0, kind: .ascii(registers: 4))
        #expect(text.text(asciiRegisters("SN-123", count: 4)[...]) == "SN-123")
        #expect(asciiRegisters("ABC", count: 3) == [0x4142, 0x4300, 0])
        #expect(ModbusMeter.energy(inOCMF: #"OCMF|{"RD":[{"TM":"x","TX":"B","RV":12.345,"RU":"kWh"}]}|{"SD":"30"}"#) == 12_345)
        #expect(ModbusMeter.energy(inOCMF: #"OCMF|{"RD":[{"RV":-1}]}|{}"#) == nil)
    }

    @Test func mapPathsBesideThePinMap() {
        #expect(RegisterMap.path(for: "eastron-sdm630", besidePinMap: "/usr/share/chargeplex/board/pi.toml")
            == "/usr/share/chargeplex/board/meters/eastron-sdm630.toml")
        #expect(RegisterMap.path(for: "own/meter.toml", besidePinMap: "/etc/chargeplex/board.toml") == "/etc/chargeplex/own/meter.toml")
        #expect(RegisterMap.path(for: "/opt/m.toml", besidePinMap: "board.toml") == "/opt/m.toml")
    }
}
