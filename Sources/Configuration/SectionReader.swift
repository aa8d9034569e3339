/// The problems found while turning a document into a configuration, gathered so that all
/// of them are reported together.
final class IssueLog {
    let file: String
    private(set) var issues: [ConfigurationError.Issue] = []
    private var keyPaths: Set<String> = []

    init(file: String) {
        self.file = file
    }

    func report(line: Int?, keyPath: String?, reason: String) {
        issues.append(ConfigurationError.Issue(file: file, line: line, keyPath: keyPath, reason: reason))
        if let keyPath { keyPaths.insert(keyPath) }
    }

    /// Whether a problem was already reported for `keyPath`; a later check of the same key
    /// would only repeat it in other words.
    func hasIssue(at keyPath: String) -> Bool { keyPaths.contains(keyPath) }

    /// How many more unknown keys get a suggestion: a file with more than this is no typo,
    /// and comparing each of its keys with every declared one would take a long time.
    private var suggestionsLeft = 100

    /// Whether one more unknown key may get a suggestion.
    func takeSuggestion() -> Bool {
        guard suggestionsLeft > 0 else { return false }
        suggestionsLeft -= 1
        return true
    }
}

/// Reads the keys of one table as typed values. The keys a section may have are declared up
/// front, and every other key is reported at once: a misspelt key must not silently do nothing.
struct SectionReader {
    let table: TOMLTable
    /// The section's key path: `chargepoint`, `operators[1]`; empty for the document root.
    let path: String
    let log: IssueLog

    /// - Parameter ignoringCase: whether `keys` may be written in any case, as OCPP key names may.
    init(_ table: TOMLTable, path: String, keys: [String], ignoringCase: Bool = false, log: IssueLog) {
        self.table = table
        self.path = path
        self.log = log
        let declared = Set(ignoringCase ? keys.map { $0.lowercased() } : keys)
        for entry in table.entries where !declared.contains(ignoringCase ? entry.key.lowercased() : entry.key) {
            let isSection = entry.value.table != nil || entry.value.array?.first?.table != nil
            var reason = path.isEmpty
                ? (isSection ? "unknown section" : "unknown key; settings belong in a [section]")
                : "unknown key"
            if log.takeSuggestion(), let suggestion = Self.closest(to: entry.key, among: keys) {
                reason += " (did you mean \(suggestion)?)"
            }
            log.report(line: entry.value.line, keyPath: keyPath(entry.key), reason: reason)
        }
    }

    func keyPath(_ key: String) -> String { TOMLTree.path([key], under: path) }

    /// The line of a key, or of the section when the key is missing.
    func line(of key: String) -> Int? { table[key]?.line ?? table.line }

    func contains(_ key: String) -> Bool { table[key] != nil }

    func report(_ key: String, _ reason: String) {
        log.report(line: line(of: key), keyPath: keyPath(key), reason: reason)
    }

    func reportMissing(_ key: String) {
        log.report(line: table.line, keyPath: keyPath(key), reason: "required key is missing")
    }

    private func typed<Value>(_ key: String, _ expected: String, _ extract: (TOMLValue) -> Value?) -> Value? {
        guard let value = table[key] else { return nil }
        guard let typed = extract(value) else {
            report(key, "expected \(expected), found \(value.typeName)")
            return nil
        }
        return typed
    }

    /// A string of at most `maximumLength` characters without control characters.
    func string(_ key: String, maximumLength: Int? = nil, required: Bool = false) -> String? {
        guard contains(key) else {
            if required { reportMissing(key) }
            return nil
        }
        guard let text = typed(key, "a string", \.string) else { return nil }
        if let maximumLength, text.count > maximumLength {
            report(key, "at most \(maximumLength) characters (this one has \(text.count))")
            return nil
        }
        if required && text.isEmpty {
            report(key, "must not be empty")
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            report(key, "must not contain control characters")
            return nil
        }
        return text
    }

    /// A credential: its length is never reported, nor anything else about its text.
    func secret(_ key: String) -> String? {
        typed(key, "a string", \.string)
    }

    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let number = typed(key, "an integer", \.integer) else { return nil }
        guard number >= range.lowerBound, number <= range.upperBound else {
            report(key, "must be from \(range.lowerBound) to \(range.upperBound) (found \(number))")
            return nil
        }
        return Int(number)
    }

    func bool(_ key: String) -> Bool? {
        typed(key, "true or false", \.boolean)
    }

    /// One of the raw values of `Choice`, spelt exactly.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, required: Bool = false) -> Choice?
    where Choice.RawValue == String {
        guard contains(key) else {
            if required { reportMissing(key) }
            return nil
        }
        guard let text = typed(key, "a string", \.string) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let options = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            report(key, "must be one of \(options)")
            return nil
        }
        return choice
    }

    /// A sub-table, read with its own declared keys.
    func section(_ key: String, keys: [String], ignoringCase: Bool = false) -> SectionReader? {
        guard let table = typed(key, "a table ([\(keyPath(key))])", \.table) else { return nil }
        return SectionReader(table, path: keyPath(key), keys: keys, ignoringCase: ignoringCase, log: log)
    }

    /// An array of tables, written either as `[[key]]` sections or as `key = [{...}, ...]`.
    func tables(_ key: String, keys: [String]) -> [SectionReader] {
        guard let array = typed(key, "an array of tables ([[\(keyPath(key))]])", \.array) else { return [] }
        var readers: [SectionReader] = []
        for (index, element) in array.enumerated() {
            let elementPath = "\(keyPath(key))[\(index)]"
            guard let table = element.table else {
                log.report(line: element.line, keyPath: elementPath, reason: "expected a table, found \(element.typeName)")
                continue
            }
            readers.append(SectionReader(table, path: elementPath, keys: keys, log: log))
        }
        return readers
    }

    /// The declared key (or allowed value) nearest to a misspelt one, if it is close enough to
    /// be what was meant; case does not count.
    static func closest(to key: String, among keys: [String]) -> String? {
        // A key this long is no typo, and comparing it would cost time and memory.
        guard key.utf8.count <= 64 else { return nil }
        let lowered = Array(key.lowercased().utf8)
        let limit = max(1, min(3, lowered.count / 3))
        var best: (key: String, distance: Int)?
        for candidate in keys {
            let other = Array(candidate.lowercased().utf8)
            // One edit changes the length by one at most.
            guard abs(other.count - lowered.count) <= limit else { continue }
            let distance = editDistance(lowered, other, limit: limit)
            if distance <= limit && distance < best?.distance ?? Int.max { best = (candidate, distance) }
        }
        return best?.key
    }

    /// Edits between two keys, a swap of neighbours counting as one: `levle` is one edit
    /// from `level`, as a technician would see it. Past `limit` the count stops (the answer
    /// is then only "more than `limit`"), so that a file of many unknown keys stays quick.
    private static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        var previousSmallest = 0
        for i in 1...a.count {
            row[0] = i
            var smallest = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                row[j] = Swift.min(previous[j] + 1, row[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = Swift.min(row[j], twoBack[j - 2] + 1)
                }
                smallest = Swift.min(smallest, row[j])
            }
            // A later row only grows from these two (a swap reaches back two rows).
            if smallest > limit && previousSmallest > limit { return limit + 1 }
            previousSmallest = smallest
            swap(&twoBack, &previous)
            swap(&previous, &row)
        }
        return previous[b.count]
    }
}
