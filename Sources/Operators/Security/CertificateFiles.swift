import Glibc

/// Reading and writing the certificate files of the state directory: folders 0700, files 0600,
/// each written to a temporary name, flushed to disk and renamed, so a power cut leaves the
/// old file or the new one, never half of one.
enum CertificateFiles {
    /// The whole file as text, nil when it cannot be read or is larger than `limit` bytes.
    static func read(_ path: String, limit: Int = 1 << 20) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > limit { return nil }
        }
        return ferror(file) == 0 ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// The `.pem` files of a folder, in name order; none when it does not exist.
    static func pemFiles(in directory: String) -> [String] {
        guard let folder = opendir(directory) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        while let item = readdir(folder) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".pem") { names.append(directory + "/" + name) }
        }
        return names.sorted()
    }

    /// Creates `directory` and its missing parents, each 0700.
    static func makeDirectory(_ directory: String) throws(CertificateFileError) {
        var path = ""
        for part in directory.split(separator: "/", omittingEmptySubsequences: true) {
            path += "/" + part
            if mkdir(path, 0o700) != 0, errno != EEXIST {
                throw CertificateFileError("cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Writes `text` to `path` (mode 0600) through a temporary file, flushed before the rename
    /// and the folder flushed after it.
    static func writeDurably(_ text: String, to path: String) throws(CertificateFileError) {
        let temporary = path + ".new"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CertificateFileError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw CertificateFileError("cannot write \(temporary): \(reason)")
            }
            written += count
        }
        let flushed = fsync(descriptor) == 0
        close(descriptor)
        guard flushed, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CertificateFileError("cannot store \(path): \(reason)")
        }
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            defer { close(folderDescriptor) }
            guard fsync(folderDescriptor) == 0 else { throw CertificateFileError("cannot flush \(folder): \(String(cString: strerror(errno)))") }
        }
    }
}

struct CertificateFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
