#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a configuration file with plain POSIX calls: the agent needs nothing more, and
/// Foundation would add tens of megabytes to the binary.
enum ConfigurationFile {
    /// The file's bytes; more than `limit` bytes is an error, so that a wrong path such as
    /// a device or a log file cannot exhaust memory.
    static func contents(of path: String, limit: Int) throws(ConfigurationError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, errno) }
        defer { close(descriptor) }

        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, errno)
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[0..<count])
            guard contents.count <= limit else {
                throw ConfigurationError(file: path, line: nil, reason: "larger than \(limit / 1024) KiB; this is not a configuration file")
            }
        }
    }

    private static func failure(_ path: String, _ code: Int32) -> ConfigurationError {
        let reason = switch code {
        case ENOENT: "no such file"
        case EACCES: "permission denied"
        case EISDIR: "is a directory, not a file"
        default: "cannot be read: \(String(cString: strerror(code)))"
        }
        return ConfigurationError(file: path, line: nil, reason: reason)
    }
}
