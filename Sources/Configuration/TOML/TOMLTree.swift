/// A table while the document is being read: mutable and shared, so that a `[header]`
/// can reach a table defined many lines earlier. Frozen into `TOMLTable` at the end.
final class TOMLTableNode {
    /// How a table came to exist, which decides what may still be added to it.
    enum Origin {
        /// Created as the parent of a header (`[a.b]` creates `a`); may still get its own header once.
        case implicit
        /// Defined by its own `[header]` or `[[header]]`.
        case header
        /// Created by a dotted key (`a.b = 1` creates `a`); only further dotted keys of the
        /// same section and sub-table headers may extend it.
        case dotted
        /// An inline table `{ ... }`: complete as written.
        case inline
    }

    enum Item {
        case value(TOMLValue)
        case table(TOMLTableNode)
        case tableArray(TOMLTableArrayNode)
    }

    var origin: Origin
    var line: Int
    /// The display path of the table, for error messages: `operators[1].tls`.
    let path: String
    private(set) var keys: [String] = []
    private(set) var items: [String: Item] = [:]

    init(origin: Origin, line: Int, path: String) {
        self.origin = origin
        self.line = line
        self.path = path
    }

    func add(_ item: Item, for key: String) {
        keys.append(key)
        items[key] = item
    }

    func freeze() -> TOMLTable {
        var table = TOMLTable(line: line == 0 ? nil : line)
        for key in keys {
            switch items[key]! {
            case .value(let value):
                table.append(key: key, value: value)
            case .table(let node):
                table.append(key: key, value: TOMLValue(.table(node.freeze()), line: node.line))
            case .tableArray(let array):
                let elements = array.tables.map { TOMLValue(.table($0.freeze()), line: $0.line) }
                table.append(key: key, value: TOMLValue(.array(elements), line: array.line))
            }
        }
        return table
    }
}

/// An array of tables, `[[name]]`, which later headers of the same name append to.
final class TOMLTableArrayNode {
    let line: Int
    let path: String
    var tables: [TOMLTableNode] = []

    init(line: Int, path: String) {
        self.line = line
        self.path = path
    }

    func appendTable(line: Int) -> TOMLTableNode {
        let table = TOMLTableNode(origin: .header, line: line, path: "\(path)[\(tables.count)]")
        tables.append(table)
        return table
    }
}

/// The rules of TOML that span lines: no key or table defined twice, no table extended
/// after it is complete.
struct TOMLTree {
    let root: TOMLTableNode
    let fileName: String

    /// `[path]`: defines a table, or gives an implicitly created one its header.
    func defineTable(_ keys: [String], line: Int) throws(ConfigurationError) -> TOMLTableNode {
        let parent = try parentForHeader(keys, line: line)
        let key = keys.last!
        let path = Self.path([key], under: parent.path)
        switch parent.items[key] {
        case nil:
            let table = TOMLTableNode(origin: .header, line: line, path: path)
            parent.add(.table(table), for: key)
            return table
        case .table(let table) where table.origin == .implicit:
            table.origin = .header
            table.line = line
            return table
        case .table(let table):
            throw failure(line, path, "table defined twice (first on line \(table.line))")
        case .tableArray(let array):
            throw failure(line, path, "already an array of tables (line \(array.line)); add an element with [[\(path)]]")
        case .value(let value):
            throw failure(line, path, "already set on line \(value.line), so it cannot also be a table")
        }
    }

    /// `[[path]]`: appends a table to an array of tables, creating the array the first time.
    func appendTable(_ keys: [String], line: Int) throws(ConfigurationError) -> TOMLTableNode {
        let parent = try parentForHeader(keys, line: line)
        let key = keys.last!
        let path = Self.path([key], under: parent.path)
        switch parent.items[key] {
        case nil:
            let array = TOMLTableArrayNode(line: line, path: path)
            parent.add(.tableArray(array), for: key)
            return array.appendTable(line: line)
        case .tableArray(let array):
            return array.appendTable(line: line)
        case .table(let table):
            throw failure(line, path, "already a table (line \(table.line)), so [[\(path)]] cannot add to it")
        case .value(let value):
            throw failure(line, path, "already set on line \(value.line), so [[\(path)]] cannot add to it")
        }
    }

    /// `a.b.c = value` inside `table`.
    func set(_ keys: [String], to value: TOMLValue, in table: TOMLTableNode) throws(ConfigurationError) {
        var parent = table
        for key in keys.dropLast() {
            let path = Self.path([key], under: parent.path)
            switch parent.items[key] {
            case nil:
                let child = TOMLTableNode(origin: .dotted, line: value.line, path: path)
                parent.add(.table(child), for: key)
                parent = child
            case .table(let child) where child.origin == .dotted:
                parent = child
            case .table(let child):
                throw failure(value.line, path, "table defined on line \(child.line); set its keys in its own section")
            case .tableArray(let array):
                throw failure(value.line, path, "an array of tables (line \(array.line)) cannot be extended with a dotted key")
            case .value(let existing):
                throw failure(value.line, path, "already set on line \(existing.line)")
            }
        }
        let key = keys.last!
        let path = Self.path([key], under: parent.path)
        switch parent.items[key] {
        case nil:
            parent.add(.value(value), for: key)
        case .value(let existing):
            throw failure(value.line, path, "duplicate key (first set on line \(existing.line))")
        case .table(let child):
            throw failure(value.line, path, "duplicate key (already a table, line \(child.line))")
        case .tableArray(let array):
            throw failure(value.line, path, "duplicate key (already an array of tables, line \(array.line))")
        }
    }

    /// Walks a header's path down to the table that will hold its last key, creating the
    /// tables on the way; through an array of tables it goes into the latest element.
    private func parentForHeader(_ keys: [String], line: Int) throws(ConfigurationError) -> TOMLTableNode {
        var parent = root
        for key in keys.dropLast() {
            let path = Self.path([key], under: parent.path)
            switch parent.items[key] {
            case nil:
                let child = TOMLTableNode(origin: .implicit, line: line, path: path)
                parent.add(.table(child), for: key)
                parent = child
            case .table(let child):
                parent = child
            case .tableArray(let array):
                parent = array.tables[array.tables.count - 1]
            case .value(let value):
                throw failure(line, path, "already set on line \(value.line), so it cannot hold a table")
            }
        }
        return parent
    }

    private func failure(_ line: Int, _ path: String, _ reason: String) -> ConfigurationError {
        ConfigurationError(file: fileName, line: line, keyPath: path, reason: reason)
    }

    /// A key path as the reader writes it: bare keys as they are, others in quotes.
    static func path(_ keys: [String], under parent: String) -> String {
        let shown = keys.map { key in
            !key.isEmpty && key.utf8.allSatisfy(\.isBareKeyCharacter) ? key : quoted(key)
        }
        return ([parent].filter { !$0.isEmpty } + shown).joined(separator: ".")
    }

    private static func quoted(_ key: String) -> String {
        var text = "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
