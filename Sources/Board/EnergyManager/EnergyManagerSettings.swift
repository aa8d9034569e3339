#if canImport(Glibc)
import Glibc
#endif

/// Where the charger listens for a local energy manager (`[limit]
/// energy_manager` of the pin map) and how it treats silence.
public struct EnergyManagerSettings: Sendable, Equatable {
    /// The IPv4 address to listen on; "0.0.0.0" is every interface.
    public var address: String
    /// The TCP port; 0 (only from code, never from a pin map) lets the
    /// system choose one, which `EnergyManagerServer.port` then tells.
    public var port: Int
    /// The Modbus unit id the charger answers to, 1…247.
    public var unit: Int = 1
    /// Seconds without a write after which the energy manager's limit
    /// ends; 0: it holds until the energy manager changes it.
    public var timeoutSeconds: Int = 0

    public init(address: String, port: Int, unit: Int = 1, timeoutSeconds: Int = 0) {
        self.address = address
        self.port = port
        self.unit = unit
        self.timeoutSeconds = timeoutSeconds
    }

    /// "127.0.0.1:1502" as address and port; nil unless the address is a
    /// dotted IPv4 address and the port a number from 1 to 65535.
    static func parse(listen text: String) -> (address: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let address = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (1...65_535).contains(port), String(port) == portText else { return nil }
        var parsed = in_addr()
        guard address.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              inet_pton(AF_INET, address, &parsed) == 1
        else { return nil }
        return (address, port)
    }
}
