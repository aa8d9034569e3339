import Configuration
import OCPP16

/// The operator list as the home operator pushes it with DataTransfer:
/// vendorId `com.chargeplex`, messageId `SetOperators` (data: the list as
/// JSON text) or `GetOperators` (answered with the list in force, without
/// passwords).
///
///     {"version": 7, "operators": [
///         {"name": "billing-co", "url": "wss://csms.example.com/ocpp", "role": "billing",
///          "securityProfile": 2, "password": "…", "chargePointId": "CP-1"}]}
public enum OperatorListTransfer {
    public static let vendorId = "com.chargeplex"
    public static let setMessageId = "SetOperators"
    public static let getMessageId = "GetOperators"

    public struct PushedList: Sendable, Equatable {
        public var version: Int
        public var operators: [OperatorEntry]
    }

    /// Reads a pushed list; the reasons it is refused, if it is.
    public static func decode(_ text: String, defaultChargePointId: String) -> Result<PushedList, ListRefusal> {
        guard let json = try? JSONParser.parse(text), case .object(let object) = json else {
            return .failure(ListRefusal(reasons: ["data is not a JSON object"]))
        }
        guard case .integer(let version) = object["version"] ?? .null, version >= 0 else {
            return .failure(ListRefusal(reasons: ["version: required, a non-negative integer"]))
        }
        guard case .array(let items) = object["operators"] ?? .null else {
            return .failure(ListRefusal(reasons: ["operators: required, an array"]))
        }
        var entries: [OperatorEntry] = []
        var reasons: [String] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item else {
                reasons.append("operators[\(index)]: not an object")
                continue
            }
            func text(_ key: String) -> String? { fields[key]?.stringValue }
            func integer(_ key: String) -> Int? { if case .integer(let n) = fields[key] ?? .null { Int(n) } else { nil } }
            func flag(_ key: String) -> Bool? { if case .bool(let b) = fields[key] ?? .null { b } else { nil } }
            guard let name = text("name") else {
                reasons.append("operators[\(index)].name: required")
                continue
            }
            guard let url = text("url") else {
                reasons.append("operators[\(index)].url: required")
                continue
            }
            guard let roleText = text("role"), let role = OperatorRole(rawValue: roleText) else {
                reasons.append("operators[\(index)].role: must be home, billing or data-control")
                continue
            }
            // A profile that is not a whole number is refused, never read as 0 (no security).
            if let profile = fields["securityProfile"], profile != .null, integer("securityProfile") == nil {
                reasons.append("operators[\(index)].securityProfile: must be 0, 1, 2 or 3")
                continue
            }
            entries.append(
                OperatorEntry(
                    name: name, url: url, chargePointId: text("chargePointId") ?? defaultChargePointId, role: role,
                    securityProfile: integer("securityProfile") ?? 0, password: text("password"),
                    clientCertificate: text("clientCertificate"), clientKey: text("clientKey"), caFile: text("caFile"),
                    allowInsecure: flag("allowInsecure") ?? false, enabled: flag("enabled") ?? true))
        }
        reasons += OperatorEntry.validateList(entries).map(\.description)
        guard reasons.isEmpty else { return .failure(ListRefusal(reasons: reasons)) }
        return .success(PushedList(version: Int(version), operators: entries))
    }

    /// The list as JSON text. Passwords only where `includeSecrets` (the
    /// store needs them; a GetOperators answer never carries them).
    public static func encode(_ list: PushedList, includeSecrets: Bool) -> String {
        let operators: [JSONValue] = list.operators.map { entry in
            var object = JSONObject()
            object["name"] = .string(entry.name)
            object["url"] = .string(entry.url)
            object["chargePointId"] = .string(entry.chargePointId)
            object["role"] = .string(entry.role.rawValue)
            object["securityProfile"] = .integer(Int64(entry.securityProfile))
            if includeSecrets, let password = entry.password { object["password"] = .string(password) }
            if let value = entry.clientCertificate { object["clientCertificate"] = .string(value) }
            if let value = entry.clientKey { object["clientKey"] = .string(value) }
            if let value = entry.caFile { object["caFile"] = .string(value) }
            if entry.allowInsecure { object["allowInsecure"] = .bool(true) }
            if !entry.enabled { object["enabled"] = .bool(false) }
            return .object(object)
        }
        return JSONWriter.string(.object(JSONObject([("version", .integer(Int64(list.version))), ("operators", .array(operators))])))
    }
}

/// Why a list was refused: every reason, for the DataTransfer answer.
public struct ListRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reasons: [String]
    public var description: String { reasons.joined(separator: "; ") }
    public var json: String {
        JSONWriter.string(.object(JSONObject([("error", .string("list refused")), ("reasons", .array(reasons.map { .string($0) }))])))
    }
}
