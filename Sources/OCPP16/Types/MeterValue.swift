/// Why a sample was taken.
public enum ReadingContext: String, StringEnum, CaseIterable {
    case interruptionBegin = "Interruption.Begin"
    case interruptionEnd = "Interruption.End"
    case sampleClock = "Sample.Clock"
    case samplePeriodic = "Sample.Periodic"
    case transactionBegin = "Transaction.Begin"
    case transactionEnd = "Transaction.End"
    case trigger = "Trigger"
    case other = "Other"
}

public enum ValueFormat: String, StringEnum, CaseIterable {
    case raw = "Raw"
    case signedData = "SignedData"
}

/// What a sampled value measures.
public enum Measurand: String, StringEnum, CaseIterable {
    case energyActiveExportRegister = "Energy.Active.Export.Register"
    case energyActiveImportRegister = "Energy.Active.Import.Register"
    case energyReactiveExportRegister = "Energy.Reactive.Export.Register"
    case energyReactiveImportRegister = "Energy.Reactive.Import.Register"
    case energyActiveExportInterval = "Energy.Active.Export.Interval"
    case energyActiveImportInterval = "Energy.Active.Import.Interval"
    case energyReactiveExportInterval = "Energy.Reactive.Export.Interval"
    case energyReactiveImportInterval = "Energy.Reactive.Import.Interval"
    case powerActiveExport = "Power.Active.Export"
    case powerActiveImport = "Power.Active.Import"
    case powerOffered = "Power.Offered"
    case powerReactiveExport = "Power.Reactive.Export"
    case powerReactiveImport = "Power.Reactive.Import"
    case powerFactor = "Power.Factor"
    case currentImport = "Current.Import"
    case currentExport = "Current.Export"
    case currentOffered = "Current.Offered"
    case voltage = "Voltage"
    case frequency = "Frequency"
    case temperature = "Temperature"
    case soc = "SoC"
    case rpm = "RPM"
}

public enum Phase: String, StringEnum, CaseIterable {
    case l1 = "L1"
    case l2 = "L2"
    case l3 = "L3"
    case n = "N"
    case l1N = "L1-N"
    case l2N = "L2-N"
    case l3N = "L3-N"
    case l1L2 = "L1-L2"
    case l2L3 = "L2-L3"
    case l3L1 = "L3-L1"
}

public enum Location: String, StringEnum, CaseIterable {
    case cable = "Cable"
    case ev = "EV"
    case inlet = "Inlet"
    case outlet = "Outlet"
    case body = "Body"
}

/// Units of measure. "Celcius" is the 1.6 spelling, "Celsius" its erratum;
/// both are read. "Hertz" is valid in MeterValues but not in StopTransaction.
public enum UnitOfMeasure: String, StringEnum, CaseIterable {
    case wh = "Wh"
    case kWh = "kWh"
    case varh = "varh"
    case kvarh = "kvarh"
    case w = "W"
    case kW = "kW"
    case va = "VA"
    case kVA = "kVA"
    case `var` = "var"
    case kvar = "kvar"
    case a = "A"
    case v = "V"
    case k = "K"
    case celcius = "Celcius"
    case celsius = "Celsius"
    case fahrenheit = "Fahrenheit"
    case percent = "Percent"
    case hertz = "Hertz"
}

/// One measured value. `value` is a string on the wire, also for numbers.
public struct SampledValue: JSONCodable, Equatable {
    public var value: String
    public var context: ReadingContext?
    public var format: ValueFormat?
    public var measurand: Measurand?
    public var phase: Phase?
    public var location: Location?
    public var unit: UnitOfMeasure?

    public init(
        value: String, context: ReadingContext? = nil, format: ValueFormat? = nil, measurand: Measurand? = nil,
        phase: Phase? = nil, location: Location? = nil, unit: UnitOfMeasure? = nil
    ) {
        self.value = value
        self.context = context
        self.format = format
        self.measurand = measurand
        self.phase = phase
        self.location = location
        self.unit = unit
    }
}

extension SampledValue {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        value = try object.required("value")
        context = try object.optional("context")
        format = try object.optional("format")
        measurand = try object.optional("measurand")
        phase = try object.optional("phase")
        location = try object.optional("location")
        unit = try object.optional("unit")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("value", value)
            object.member("context", context)
            object.member("format", format)
            object.member("measurand", measurand)
            object.member("phase", phase)
            object.member("location", location)
            object.member("unit", unit)
        }
    }
}

/// The values sampled at one instant.
public struct MeterValue: JSONCodable, Equatable {
    public var timestamp: OCPPDateTime
    public var sampledValue: [SampledValue]

    public init(timestamp: OCPPDateTime, sampledValue: [SampledValue]) {
        self.timestamp = timestamp
        self.sampledValue = sampledValue
    }
}

extension MeterValue {
    public init(json: JSONView) throws(PayloadError) {
        let object = try JSONObjectReader(json)
        timestamp = try object.required("timestamp")
        sampledValue = try object.required("sampledValue")
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { object in
            object.member("timestamp", timestamp)
            object.member("sampledValue", sampledValue)
        }
    }
}
