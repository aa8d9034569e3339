import OCPP16
import OCPPKeys
import Store

/// The values of the configuration keys: one set for the charger, and one
/// for each operator's per-connection keys. Changes are written through to
/// the store so they survive a restart.
public struct ConfigurationStore: Sendable {
    private var shared: [String: String] = [:]
    private var perOperator: [String: [String: String]] = [:]
    private let persistence: KeyValueStore?
    private let connectorCount: Int

    static let sharedNamespace = "config"
    static func operatorNamespace(_ name: String) -> String { "config/operator/\(name)" }

    /// - Parameters:
    ///   - initial: values from the configuration file, applied where the
    ///     store has none (a value set over OCPP outlives a file default).
    /// - Throws: the store's error when the stored values cannot be read: the
    ///   charger must not run on defaults that silently replace what operators set.
    public init(persistence: KeyValueStore?, connectorCount: Int, initial: [(key: String, value: String)] = []) throws {
        self.persistence = persistence
        self.connectorCount = connectorCount
        for (key, value) in initial {
            if let definition = StandardKeys.key(named: key), definition.kind.validate(value) {
                shared[definition.name] = value
            }
        }
        if let stored = try persistence?.all(namespace: Self.sharedNamespace) {
            shared.merge(stored) { _, stored in stored }
        }
        // Every operator's own values, read now: a value an operator set before a restart
        // is in force from the first message after it.
        let prefix = Self.operatorNamespace("")
        for (namespace, values) in try persistence?.all(namespacesStartingWith: prefix) ?? [:] {
            perOperator[String(namespace.dropFirst(prefix.count))] = values
        }
    }

    /// The value in force for `name`, as `operatorName` sees it.
    public func value(_ name: String, for operatorName: String? = nil) -> String {
        guard let definition = StandardKeys.key(named: name) else { return "" }
        if definition.name == "NumberOfConnectors" { return String(connectorCount) }
        if definition.scope == .perOperator, let operatorName,
            let value = perOperator[operatorName]?[definition.name]
        {
            return value
        }
        return shared[definition.name] ?? definition.defaultValue
    }

    public func integer(_ name: String, for operatorName: String? = nil) -> Int {
        Int(value(name, for: operatorName).trimmingSpaces) ?? Int(StandardKeys.key(named: name)?.defaultValue ?? "") ?? 0
    }

    public func boolean(_ name: String, for operatorName: String? = nil) -> Bool {
        value(name, for: operatorName).lowercased() == "true"
    }

    public func list(_ name: String, for operatorName: String? = nil) -> [String] {
        value(name, for: operatorName).split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    /// ChangeConfiguration: validates and stores. Permission (who may change
    /// which key) is decided before this is called.
    public mutating func change(_ request: ChangeConfigurationRequest, by operatorName: String?) -> ConfigurationStatus {
        guard let definition = StandardKeys.key(named: request.key.value) else { return .notSupported }
        guard !definition.readonly else { return .rejected }
        // Changed only by the operators layer, with the upgrade rules and a trial connection.
        guard !Self.connectionKeys.contains(definition.name) else { return .rejected }
        let value = request.value.value.trimmingSpaces
        guard definition.kind.validate(value) else { return .rejected }
        // On disk first: a value that cannot be kept is refused, not half applied.
        if definition.scope == .perOperator, let operatorName {
            do {
                try persistence?.set(namespace: Self.operatorNamespace(operatorName), key: definition.name, value: value)
            } catch {
                return .rejected
            }
            perOperator[operatorName, default: [:]][definition.name] = value
        } else {
            do {
                try persistence?.set(namespace: Self.sharedNamespace, key: definition.name, value: value)
            } catch {
                return .rejected
            }
            shared[definition.name] = value
        }
        return definition.rebootRequired ? .rebootRequired : .accepted
    }

    /// Keys of an operator's connection that only the connection's owner changes.
    static let connectionKeys: Set<String> = ["SecurityProfile"]

    /// Shows what is in force on an operator's connection (its SecurityProfile), as that
    /// operator reads it; not stored, the connection's owner keeps it.
    public mutating func setConnectionValue(_ name: String, _ value: String, for operatorName: String) {
        guard let definition = StandardKeys.key(named: name), Self.connectionKeys.contains(definition.name) else { return }
        perOperator[operatorName, default: [:]][definition.name] = value
    }

    /// GetConfiguration: the named keys (or all), as `operatorName` sees them.
    public func get(_ request: GetConfigurationRequest, for operatorName: String?, maximumKeys: Int? = nil) -> GetConfigurationResponse {
        var known: [KeyValue] = []
        var unknown: [CiString50] = []
        let names = request.key.map { $0.map(\.value) } ?? StandardKeys.all.map(\.name)
        for name in names {
            guard let definition = StandardKeys.key(named: name) else {
                unknown.append(CiString50(truncating: name))
                continue
            }
            let shown = StandardKeys.secret.contains(definition.name.lowercased()) ? nil : value(definition.name, for: operatorName)
            known.append(
                KeyValue(
                    key: CiString50(truncating: definition.name), readonly: definition.readonly,
                    value: shown.map { CiString500(truncating: $0) }))
        }
        return GetConfigurationResponse(
            configurationKey: known.isEmpty ? nil : known, unknownKey: unknown.isEmpty ? nil : unknown)
    }
}
