/// Why a pin map was refused: the file, the line, the key and the reason,
/// worded for the technician who has to fix the file.
public struct PinMapError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line in the file, when the problem sits on one line.
    public var line: Int?
    /// Dotted key, e.g. `connector.1.relay`.
    public var key: String?
    public var reason: String

    public init(file: String, line: Int? = nil, key: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let key { text += ": \(key)" }
        return text + ": " + reason
    }
}
