/// A charging rate (A or W) with at most one decimal, as the schemas'
/// `multipleOf: 0.1` demands. Held in tenths so that 6.3 stays 6.3.
public struct ChargingRate: JSONCodable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral
{
    public var tenths: Int

    public init(tenths: Int) { self.tenths = tenths }

    /// Rounds to the nearest tenth. A value too large for an Int of tenths
    /// stops at ±9·10^17, and not a number is 0: no conversion traps.
    public init(_ value: Double) {
        let scaled = (value * 10).rounded()
        tenths = scaled.isNaN ? 0 : Int(min(max(scaled, -9e18), 9e18))
    }

    public init(integerLiteral value: Int) { tenths = value * 10 }
    public init(floatLiteral value: Double) { self.init(value) }

    public var value: Double { Double(tenths) / 10 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.tenths < rhs.tenths }

    public var description: String {
        tenths % 10 == 0 ? "\(tenths / 10)" : "\(value)"
    }

    public init(json: JSONView) throws(PayloadError) {
        let number = try Double(json: json)
        let scaled = number * 10
        guard abs(scaled) < 1e15, abs(scaled - scaled.rounded()) < 1e-6 else {
            throw .invalid("\(number) is not a multiple of 0.1")
        }
        tenths = Int(scaled.rounded())
    }

    public func write(to writer: inout JSONWriter) {
        if tenths % 10 == 0 {
            writer.writeInteger(Int64(tenths / 10))
        } else {
            writer.writeDouble(value)
        }
    }
}
