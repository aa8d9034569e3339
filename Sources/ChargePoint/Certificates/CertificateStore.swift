import OCPP16
import Security

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a certificate store could not be read or changed, for the log.
public struct CertificateStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One store of root certificates on disk: a directory with one PEM file per
/// certificate, named by the SHA-256 fingerprint of its DER (`<hex>.pem`).
/// The directory is 0700 and every file 0600; a certificate is written to a
/// temporary file, synced and renamed into place, so that a power cut leaves
/// either the whole file or none.
public struct CertificateStore: Sendable, Equatable {
    public let directory: String
    /// The largest file read as a certificate: an OCPP certificate is at most 5500 characters,
    /// a hand-placed one with its text dump rarely above a few KiB.
    static let maximumFileSize = 256 * 1024

    public init(directory: String) { self.directory = directory }

    /// One certificate of the store and the file it lives in.
    public struct Entry: Sendable, Equatable {
        public let path: String
        public let certificate: X509Certificate
    }

    /// The store's `.pem` files, in name order; an absent directory is an empty store.
    public var files: [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let item = readdir(stream) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".pem"), !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted().map { directory + "/" + $0 }
    }

    /// The certificates of the store; a file that cannot be read or parsed is left out and
    /// named with its reason in `unreadable`.
    public func entries() -> (entries: [Entry], unreadable: [(path: String, reason: String)]) {
        var entries: [Entry] = []
        var unreadable: [(path: String, reason: String)] = []
        for path in files {
            do throws(CertificateStoreError) {
                let text = try Self.contents(of: path)
                let certificates: [X509Certificate]
                do {
                    certificates = try X509Certificate.chain(pem: text)
                } catch {
                    throw CertificateStoreError(error.description)
                }
                entries.append(Entry(path: path, certificate: certificates[0]))
            } catch {
                unreadable.append((path, error.description))
            }
        }
        return (entries, unreadable)
    }

    /// Writes `certificate` into the store as `<fingerprint>.pem`, creating the directories
    /// it needs (0700).
    public func install(_ certificate: X509Certificate) throws(CertificateStoreError) {
        try Self.makeDirectories(directory)
        let final = directory + "/" + certificate.fingerprint + ".pem"
        let temporary = final + ".part"
        unlink(temporary)
        let file = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw CertificateStoreError("cannot create \(temporary): \(Self.describe(errno))") }
        var closed = false
        defer {
            if !closed { close(file) }
        }
        let bytes = Array(certificate.pem.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let reason = Self.describe(errno)
                unlink(temporary)
                throw CertificateStoreError("cannot write \(temporary): \(reason)")
            }
            written += count
        }
        guard fsync(file) == 0 else {
            let reason = Self.describe(errno)
            unlink(temporary)
            throw CertificateStoreError("cannot sync \(temporary): \(reason)")
        }
        closed = true
        guard close(file) == 0 else {
            let reason = Self.describe(errno)
            unlink(temporary)
            throw CertificateStoreError("cannot close \(temporary): \(reason)")
        }
        guard rename(temporary, final) == 0 else {
            let reason = Self.describe(errno)
            unlink(temporary)
            throw CertificateStoreError("cannot put \(final) in place: \(reason)")
        }
        try Self.syncDirectory(directory)
    }

    /// Deletes the file of one certificate.
    public func remove(_ entry: Entry) throws(CertificateStoreError) {
        guard unlink(entry.path) == 0 || errno == ENOENT else {
            throw CertificateStoreError("cannot delete \(entry.path): \(Self.describe(errno))")
        }
        try Self.syncDirectory(directory)
    }

    static func contents(of path: String) throws(CertificateStoreError) -> String {
        let file = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { throw CertificateStoreError("cannot open: \(describe(errno))") }
        defer { close(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw CertificateStoreError("cannot read: \(describe(errno))") }
            if count == 0 { break }
            bytes += buffer[0..<count]
            guard bytes.count <= maximumFileSize else {
                throw CertificateStoreError("larger than \(maximumFileSize / 1024) KiB")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Creates `path` and its missing parents, each 0700 (the state directory itself exists).
    static func makeDirectories(_ path: String) throws(CertificateStoreError) {
        var current = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o700) != 0, errno != EEXIST {
                throw CertificateStoreError("cannot create \(current): \(describe(errno))")
            }
        }
    }

    static func syncDirectory(_ path: String) throws(CertificateStoreError) {
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw CertificateStoreError("cannot open \(path): \(describe(errno))") }
        defer { close(directory) }
        guard fsync(directory) == 0 else { throw CertificateStoreError("cannot sync \(path): \(describe(errno))") }
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Where the charger keeps certificates, under `<state>/certs`:
///
///     manufacturer/            ManufacturerRootCertificate: which firmware the charger trusts
///     operators/<name>/roots/  that operator's CentralSystemRootCertificate store
///     operators/<name>/client/ that operator's renewed client certificate and key
///
/// Operator names are a-z, 0-9 and '-' (the list's own rule), safe as directory names.
public struct CertificateStores: Sendable, Equatable {
    public static let folderName = "certs"
    /// `<state>/certs`.
    public let directory: String

    public init(stateDirectory: String) { directory = stateDirectory + "/" + Self.folderName }

    public var manufacturer: CertificateStore { CertificateStore(directory: directory + "/manufacturer") }

    public func roots(of operatorName: String) -> CertificateStore {
        CertificateStore(directory: directory + "/operators/" + operatorName + "/roots")
    }

    public func clientDirectory(of operatorName: String) -> String {
        directory + "/operators/" + operatorName + "/client"
    }
}
