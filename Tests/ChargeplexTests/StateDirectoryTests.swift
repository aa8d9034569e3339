import Foundation
import Logging
import Testing

@testable import chargeplex

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("chargeplex-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

func mode(_ path: String) -> Int? {
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    return Int(status.st_mode & 0o7777)
}

@Suite(.serialized) struct StateFilesTests {
    let logger = Logger(label: "test")

    @Test("a new state directory is 0750 and the database 0600")
    func newDirectory() throws {
        let parent = try TemporaryDirectory()
        let directory = parent.path + "/state"
        let before = umask(0o022)
        defer { umask(before) }
        let inherited = try StateFiles.prepare(directory: directory, logger: logger)
        #expect(inherited == 0o022)
        #expect(mode(directory) == 0o750)
        #expect(mode(directory + "/chargeplex.db") == 0o600)
    }

    @Test("what an earlier version left open is tightened")
    func earlierVersion() throws {
        let directory = try TemporaryDirectory()
        let before = umask(0o022)
        defer { umask(before) }
        chmod(directory.path, 0o755)
        for name in ["chargeplex.db", "chargeplex.db-wal", "chargeplex.db-shm"] {
            #expect(FileManager.default.createFile(atPath: directory.path + "/" + name, contents: Data()))
            chmod(directory.path + "/" + name, 0o644)
        }
        mkdir(directory.path + "/firmware", 0o755)
        #expect(FileManager.default.createFile(atPath: directory.path + "/firmware/fw.bin", contents: Data([1, 2, 3])))
        chmod(directory.path + "/firmware/fw.bin", 0o644)
        _ = try StateFiles.prepare(directory: directory.path, logger: logger)
        #expect(mode(directory.path) == 0o750)
        for name in ["chargeplex.db", "chargeplex.db-wal", "chargeplex.db-shm", "firmware/fw.bin"] {
            #expect(mode(directory.path + "/" + name) == 0o600, "\(name)")
        }
        #expect(mode(directory.path + "/firmware") == 0o700)
    }

    @Test("a stricter directory stays as strict")
    func stricterDirectory() throws {
        let directory = try TemporaryDirectory()
        chmod(directory.path, 0o700)
        _ = try StateFiles.prepare(directory: directory.path, logger: logger)
        #expect(mode(directory.path) == 0o700)
    }

    @Test("a directory that is not the agent's own keeps its mode")
    func sharedDirectory() throws {
        let directory = try TemporaryDirectory()
        let before = umask(0o022)
        defer { umask(before) }
        #expect(FileManager.default.createFile(atPath: directory.path + "/somebody-else.txt", contents: Data()))
        chmod(directory.path, 0o755)
        _ = try StateFiles.prepare(directory: directory.path, logger: logger)
        #expect(mode(directory.path) == 0o755)
        #expect(mode(directory.path + "/chargeplex.db") == 0o600)
    }
}

@Suite struct ServiceDirectoryTests {
    @Test("the file and the unit name one directory")
    func sameDirectory() throws {
        #expect(StateDirectoryCheck.mismatch(configured: "/var/lib/chargeplex", service: "/var/lib/chargeplex") == nil)
        #expect(StateDirectoryCheck.mismatch(configured: "/var/lib//chargeplex/", service: "/var/lib/chargeplex") == nil)
        let directory = try TemporaryDirectory()
        let link = directory.path + "-link"
        symlink(directory.path, link)
        defer { unlink(link) }
        #expect(StateDirectoryCheck.mismatch(configured: link, service: directory.path) == nil)
    }

    @Test("a mismatch names both directories")
    func mismatch() {
        let reason = StateDirectoryCheck.mismatch(configured: "/srv/chargeplex", service: "/var/lib/chargeplex")
        #expect(reason == "/srv/chargeplex is not the directory the service gives the agent, /var/lib/chargeplex "
            + "(StateDirectory= of its unit, STATE_DIRECTORY): the service may write only there; "
            + "say directory = \"/var/lib/chargeplex\", or change StateDirectory= in a drop-in of the unit")
    }
}
