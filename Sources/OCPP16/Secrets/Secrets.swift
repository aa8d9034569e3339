/// Secrets never shown in full wherever the agent writes text a person or an
/// operator may read: logs, diagnostics reports, `status`, `config show`.
public enum Secrets {
    /// What stands in place of a secret.
    public static let redacted = "<redacted>"

    /// `text` with the password of every URL's user information replaced:
    /// `https://user:secret@host/fw.bin` becomes `https://user:<redacted>@host/fw.bin`.
    /// A URL whose user information has no `:` keeps it (a user name alone).
    public static func maskingURLCredentials(in text: String) -> String {
        // Every log line comes through here: most have no user information at all.
        guard text.utf8.contains(UInt8(ascii: "@")) else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard isSchemeSeparator(scalars, at: index) else {
                output.append(scalars[index])
                index += 1
                continue
            }
            output.append(contentsOf: "://".unicodeScalars)
            index += 3
            // The authority runs to the first '/', '?', '#', quote or white space.
            var end = index
            while end < scalars.count, !endsAuthority(scalars[end]) { end += 1 }
            let authority = scalars[index..<end]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                output.append(contentsOf: authority[..<colon])
                output.append(":")
                output.append(contentsOf: redacted.unicodeScalars)
                output.append(contentsOf: authority[at...])
            } else {
                output.append(contentsOf: authority)
            }
            index = end
        }
        return String(output)
    }

    private static func isSchemeSeparator(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        index + 2 < scalars.count && scalars[index] == ":" && scalars[index + 1] == "/" && scalars[index + 2] == "/"
    }

    private static func endsAuthority(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "/", "?", "#", "\"", "'", " ", "\t", "\n", "\r", "<", ">", "\\": true
        default: false
        }
    }
}

extension Secrets {
    /// Members whose value is a secret wherever they appear, compared without
    /// case: the passwords of a pushed operator list, an AuthorizationKey.
    static let secretMembers: Set<String> = ["password", "authorizationkey"]
    /// Configuration keys whose value is a secret: the `value` beside such a
    /// `key` (ChangeConfiguration, a `configurationKey` entry) is masked.
    static let secretKeys: Set<String> = ["authorizationkey"]
    /// How deep JSON held in a string (DataTransfer `data`) is looked into.
    static let nestedDocumentDepth = 3

    /// An OCPP-J frame fit for a log: the value of every secret member
    /// (`password`, `authorizationKey`), the `value` of a `key` that is
    /// `AuthorizationKey`, and the password of every URL are replaced with
    /// `<redacted>`, in the frame itself and in JSON text carried in its
    /// strings. A frame with nothing to mask comes back as it was; one that
    /// is not JSON is kept only when it names no secret and escapes nothing.
    public static func maskingFrame(_ text: String) -> String {
        guard let document = try? JSONParser.parse(text) else { return maskingUnreadable(text) }
        var changed = false
        let masked = masking(document, nesting: 0, changed: &changed)
        return changed ? JSONWriter.string(masked) : text
    }

    private static func masking(_ value: JSONValue, nesting: Int, changed: inout Bool) -> JSONValue {
        switch value {
        case .object(let object):
            // Any `key` member naming a secret counts, not only the last:
            // a frame with the member twice cannot slip its value past.
            let holdsSecretValue = object.members.contains { member in
                member.key.lowercased() == "key" && member.value.stringValue.map { secretKeys.contains($0.lowercased()) } == true
            }
            var members = object.members
            for index in members.indices {
                let name = members[index].key.lowercased()
                if secretMembers.contains(name) || (holdsSecretValue && name == "value") {
                    if members[index].value != .null {
                        members[index].value = .string(redacted)
                        changed = true
                    }
                } else {
                    members[index].value = masking(members[index].value, nesting: nesting, changed: &changed)
                }
            }
            return .object(JSONObject(members))
        case .array(let elements):
            return .array(elements.map { masking($0, nesting: nesting, changed: &changed) })
        case .string(let text):
            let masked = maskingString(text, nesting: nesting)
            if masked != text { changed = true }
            return .string(masked)
        case .null, .bool, .integer, .double:
            return value
        }
    }

    /// A string value: JSON text inside it is masked as a document of its
    /// own; any other text has its URLs' passwords masked.
    private static func maskingString(_ text: String, nesting: Int) -> String {
        let opening = text.utf8.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        guard opening == UInt8(ascii: "{") || opening == UInt8(ascii: "[") else {
            return maskingURLCredentials(in: text)
        }
        guard nesting < nestedDocumentDepth, let document = try? JSONParser.parse(text) else {
            return maskingUnreadable(text)
        }
        var changed = false
        let masked = masking(document, nesting: nesting + 1, changed: &changed)
        return changed ? JSONWriter.string(masked) : text
    }

    /// Text that could not be read as JSON: what a secret member would hold
    /// cannot be found in it, so it is dropped whole when it names one or
    /// holds an escape (which could spell a name or a URL in disguise).
    private static func maskingUnreadable(_ text: String) -> String {
        let lowered = text.lowercased()
        if text.contains("\\") || secretMembers.contains(where: { lowered.contains($0) }) {
            return "\(redacted) (\(text.utf8.count) bytes that are not JSON and may hold a secret)"
        }
        return maskingURLCredentials(in: text)
    }
}
