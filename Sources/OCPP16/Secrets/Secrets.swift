/// Secrets never shown in full wherever the agent writes text a person or an
/// operator may read: logs, diagnostics reports, `status`, `config show`.
public enum Secrets {
    /// What stands in place of a secret.
    public static let redacted = "<redacted>"

    /// `text` with the password of every URL's user information replaced:
    /// `https://user:secret@host/fw.bin` becomes `https://user:<redacted>@host/fw.bin`.
    /// A URL whose user information has no `:` keeps it (a user name alone).
    public static func maskingURLCredentials(in text: String) -> String {
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
