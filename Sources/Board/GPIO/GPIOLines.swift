import CGPIOD
#if canImport(Glibc)
import Glibc
#endif

// The only file that calls libgpiod, through the version-neutral cgpiod_*
// interface of Sources/CGPIOD: the build speaks libgpiod 1.x or 2.x,
// whichever gpiod.h it found, and nothing above this file can tell. The
// types: the library in use, a chip found by name, label or path, a line's
// public facts, a requested line that reads, drives and yields timestamped
// edges.

/// The consumer name other tools (`gpioinfo`) show for our lines.
let lineConsumer = "chargeplex"

/// The libgpiod this build speaks.
public enum Libgpiod {
    /// The API generation: 1 (libgpiod 1.x, `libgpiod.so.2`) or 2
    /// (libgpiod 2.x, `libgpiod.so.3`), chosen by the build from gpiod.h.
    public static let api = Int(CGPIOD_API)

    /// The version of the library loaded at run time, e.g. "2.2.1".
    public static var version: String { String(cString: cgpiod_library_version()) }
}

/// An open GPIO chip. Lines requested from it live as long as it does.
final class GPIOChip {
    let handle: OpaquePointer
    let name: String
    let label: String
    let lineCount: Int

    private init?(handle: OpaquePointer) {
        var facts = cgpiod_chip_facts()
        guard cgpiod_chip_get_facts(handle, &facts) == 0 else {
            cgpiod_chip_close(handle)
            return nil
        }
        self.handle = handle
        name = text(of: facts.name)
        label = text(of: facts.label)
        lineCount = Int(facts.lines)
    }

    deinit { cgpiod_chip_close(handle) }

    /// Finds a chip the way a technician names it: a path (`/dev/gpiochip4`),
    /// a device name (`gpiochip4`), a number (`4`) or a label
    /// (`pinctrl-rp1`). Labels are what stay put across kernel versions.
    static func open(_ spec: String) -> GPIOChip? {
        if spec.hasPrefix("/") { return open(path: spec) }
        if spec.hasPrefix("gpiochip"), Int(spec.dropFirst("gpiochip".count)) != nil {
            return open(path: "/dev/" + spec)
        }
        if Int(spec) != nil { return open(path: "/dev/gpiochip" + spec) }
        for path in devicePaths() {
            if let chip = open(path: path), chip.label == spec { return chip }
        }
        return nil
    }

    static func open(path: String) -> GPIOChip? {
        cgpiod_chip_open(path).flatMap(GPIOChip.init(handle:))
    }

    /// `/dev/gpiochip*`, in number order.
    static func devicePaths() -> [String] {
        guard let directory = opendir("/dev") else { return [] }
        defer { closedir(directory) }
        var numbers: [Int] = []
        while let entry = readdir(directory) {
            let name = text(of: entry.pointee.d_name)
            if name.hasPrefix("gpiochip"), let number = Int(name.dropFirst("gpiochip".count)) {
                numbers.append(number)
            }
        }
        return numbers.sorted().map { "/dev/gpiochip\($0)" }
    }

    /// What the kernel says about a line without requesting it.
    func info(offset: Int) -> LineInfo? {
        guard offset >= 0, offset < lineCount else { return nil }
        var facts = cgpiod_line_facts()
        guard cgpiod_line_get_facts(handle, UInt32(offset), &facts) == 0 else { return nil }
        let name = text(of: facts.name)
        let consumer = text(of: facts.consumer)
        return LineInfo(
            name: name.isEmpty ? nil : name, consumer: consumer.isEmpty ? nil : consumer,
            isUsed: facts.used, isOutput: facts.output)
    }
}

struct LineInfo: Equatable {
    var name: String?
    var consumer: String?
    var isUsed: Bool
    var isOutput: Bool
}

/// A line held by this process. The kernel gives it back when the process
/// ends, however it ends.
final class RequestedLine {
    let role: LineRole
    let settings: LineSettings
    private let handle: UnsafeMutablePointer<cgpiod_request>
    /// The chip must outlive the line: closing it frees the line.
    private let chip: GPIOChip
    /// Readable when edges are queued; -1 for outputs.
    let eventDescriptor: Int32
    private var released = false

    enum Failure: Error {
        case noSuchLine
        case busy(consumer: String?)
        case refused(errno: Int32)
    }

    /// Outputs start at `initialLevel`: the kernel drives it from the
    /// moment of the request, so an output never passes through "on".
    init(role: LineRole, spec: LineSpec, chip: GPIOChip, initialLevel: Bool = false) throws(Failure) {
        guard let info = chip.info(offset: spec.offset) else { throw .noSuchLine }
        if info.isUsed { throw .busy(consumer: info.consumer) }
        let settings = LineSettings(role: role, spec: spec, initialLevel: initialLevel)
        var cSettings = settings.cValue
        guard let handle = cgpiod_request_line(chip.handle, UInt32(spec.offset), lineConsumer, &cSettings) else {
            let code = errno
            // Taken between the look and the request.
            if code == EBUSY { throw .busy(consumer: chip.info(offset: spec.offset)?.consumer) }
            throw .refused(errno: code)
        }
        self.handle = handle
        self.role = role
        self.settings = settings
        self.chip = chip
        eventDescriptor = settings.edges == .none ? -1 : cgpiod_request_get_fd(handle)
    }

    deinit { release() }

    /// The logical level, or nil if the kernel would not say.
    func level() -> Bool? {
        guard !released else { return nil }
        let value = cgpiod_request_get_value(handle)
        return value < 0 ? nil : value == 1
    }

    @discardableResult
    func drive(_ level: Bool) -> Bool {
        guard !released else {
            errno = EBADF
            return false
        }
        return cgpiod_request_set_value(handle, level) == 0
    }

    /// Everything queued on the line, without waiting: call it only when
    /// `eventDescriptor` is readable. The level is the one after the edge;
    /// the time is the kernel's CLOCK_MONOTONIC stamp taken in the
    /// interrupt handler (kernels from 5.7 on).
    func readEdges(into edges: inout [BoardLogic.Edge]) {
        guard eventDescriptor >= 0, !released else { return }
        var buffer = [cgpiod_edge](repeating: cgpiod_edge(), count: Int(CGPIOD_EVENT_QUEUE))
        let count = buffer.withUnsafeMutableBufferPointer { read in
            cgpiod_request_read_edges(handle, read.baseAddress, UInt32(read.count))
        }
        for edge in buffer.prefix(Int(max(0, count))) {
            edges.append(BoardLogic.Edge(role: role, level: edge.rising, time: edge.timestamp_ns))
        }
    }

    func release() {
        guard !released else { return }
        released = true
        cgpiod_request_release(handle)
    }
}

/// Nanoseconds on CLOCK_MONOTONIC, the clock of the kernel's edge stamps.
func monotonicNow() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// A C string kept in a fixed-size array (a chip or line name).
private func text<T>(of field: T) -> String {
    withUnsafeBytes(of: field) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}
