/// One connector's Modbus meter, `[meter.N]` in the pin map.
public struct MeterSettings: Sendable, Equatable {
    /// How the meter is reached.
    public enum Transport: Sendable, Equatable, CustomStringConvertible {
        /// RS-485 through a serial device.
        case rtu(device: String, baud: Int, parity: Parity, stopBits: Int)
        /// Modbus/TCP (a meter with Ethernet, or an RS-485 gateway).
        case tcp(host: String, port: Int)

        /// "rtu /dev/ttyUSB0 9600 8N1" or "tcp 127.0.0.1:502".
        public var description: String {
            switch self {
            case .rtu(let device, let baud, let parity, let stopBits):
                "rtu \(device) \(baud) 8\(parity.letter)\(stopBits)"
            case .tcp(let host, let port): "tcp \(host):\(port)"
            }
        }

        /// Meters on one transport share its connection (one RS-485 bus,
        /// one TCP gateway), each with its own unit id.
        var busKey: String {
            switch self {
            case .rtu(let device, _, _, _): "rtu:" + device
            case .tcp(let host, let port): "tcp:\(host):\(port)"
            }
        }
    }

    public enum Parity: String, Sendable, Equatable, CaseIterable {
        case none, even, odd

        var letter: String {
            switch self {
            case .none: "N"
            case .even: "E"
            case .odd: "O"
            }
        }
    }

    /// Baud rates a serial line is set to.
    public static let standardBaudRates = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200]

    public var connector: Int
    public var transport: Transport
    /// The Modbus unit (slave) id, 1…247.
    public var unit: Int
    public var map: RegisterMap
    public var pollMilliseconds: Int = 1000
    public var timeoutMilliseconds: Int = 500
    public var retries: Int = 2
    public var failuresBeforeFault: Int = 3

    public init(connector: Int, transport: Transport, unit: Int, map: RegisterMap) {
        self.connector = connector
        self.transport = transport
        self.unit = unit
        self.map = map
    }
}
