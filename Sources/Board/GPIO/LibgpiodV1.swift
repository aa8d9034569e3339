import CGPIOD
#if canImport(Glibc)
import Glibc
#endif

// The only file that calls libgpiod. It uses the v1 API (libgpiod 1.6,
// Debian bookworm); a v2 backend replaces this file and keeps the four
// types below: a chip found by name, label or path, a line's public
// facts, a requested line that reads, drives and yields timestamped edges.

/// The consumer name other tools (`gpioinfo`) show for our lines.
let lineConsumer = "chargeplex"

/// An open GPIO chip. Lines requested from it live as long as it does.
final class GPIOChip {
    let handle: OpaquePointer
    let name: String
    let label: String
    let lineCount: Int

    private init(handle: OpaquePointer) {
        self.handle = handle
        name = String(cString: gpiod_chip_name(handle))
        label = String(cString: gpiod_chip_label(handle))
        lineCount = Int(gpiod_chip_num_lines(handle))
    }

    deinit { gpiod_chip_close(handle) }

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
        gpiod_chip_open(path).map(GPIOChip.init(handle:))
    }

    /// `/dev/gpiochip*`, in number order.
    static func devicePaths() -> [String] {
        guard let directory = opendir("/dev") else { return [] }
        defer { closedir(directory) }
        var numbers: [Int] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("gpiochip"), let number = Int(name.dropFirst("gpiochip".count)) {
                numbers.append(number)
            }
        }
        return numbers.sorted().map { "/dev/gpiochip\($0)" }
    }

    /// What the kernel says about a line without requesting it.
    func info(offset: Int) -> LineInfo? {
        guard offset < lineCount, let line = gpiod_chip_get_line(handle, UInt32(offset)) else { return nil }
        return LineInfo(
            name: gpiod_line_name(line).map { String(cString: $0) },
            consumer: gpiod_line_consumer(line).map { String(cString: $0) },
            isUsed: gpiod_line_is_used(line),
            isOutput: gpiod_line_direction(line) == Int32(GPIOD_LINE_DIRECTION_OUTPUT))
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
    private let handle: OpaquePointer
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
        guard spec.offset < chip.lineCount, let line = gpiod_chip_get_line(chip.handle, UInt32(spec.offset)) else {
            throw .noSuchLine
        }
        if gpiod_line_is_used(line) {
            throw .busy(consumer: gpiod_line_consumer(line).map { String(cString: $0) })
        }
        let type: Int
        if role.isOutput {
            type = GPIOD_LINE_REQUEST_DIRECTION_OUTPUT
        } else if role.watchesPulseStartsOnly {
            type = GPIOD_LINE_REQUEST_EVENT_RISING_EDGE
        } else {
            type = GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES
        }
        var flags = spec.activeLow ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0
        if !role.isOutput {
            switch spec.bias {
            case .asIs: break
            case .disabled: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE
            case .pullUp: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP
            case .pullDown: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN
            }
        }
        let result = lineConsumer.withCString { consumer in
            var config = gpiod_line_request_config(consumer: consumer, request_type: Int32(type), flags: Int32(flags))
            return gpiod_line_request(line, &config, initialLevel ? 1 : 0)
        }
        guard result == 0 else { throw .refused(errno: errno) }
        handle = line
        self.role = role
        self.chip = chip
        eventDescriptor = role.isOutput ? -1 : gpiod_line_event_get_fd(line)
    }

    deinit { release() }

    /// The logical level, or nil if the kernel would not say.
    func level() -> Bool? {
        let value = gpiod_line_get_value(handle)
        return value < 0 ? nil : value == 1
    }

    @discardableResult
    func drive(_ level: Bool) -> Bool {
        gpiod_line_set_value(handle, level ? 1 : 0) == 0
    }

    /// Everything queued on the line, without waiting. The level is the one
    /// after the edge; the time is the kernel's CLOCK_MONOTONIC stamp taken
    /// in the interrupt handler (kernels from 5.7 on).
    func readEdges(into edges: inout [BoardLogic.Edge]) {
        guard eventDescriptor >= 0 else { return }
        var buffer = [gpiod_line_event](repeating: gpiod_line_event(), count: 16)
        let count = buffer.withUnsafeMutableBufferPointer { events in
            gpiod_line_event_read_fd_multiple(eventDescriptor, events.baseAddress, UInt32(events.count))
        }
        for event in buffer.prefix(Int(max(0, count))) {
            let time = UInt64(event.ts.tv_sec) &* 1_000_000_000 &+ UInt64(event.ts.tv_nsec)
            let rising = event.event_type == Int32(GPIOD_LINE_EVENT_RISING_EDGE)
            edges.append(BoardLogic.Edge(role: role, level: rising, time: time))
        }
    }

    func release() {
        guard !released else { return }
        released = true
        gpiod_line_release(handle)
    }
}

/// Nanoseconds on CLOCK_MONOTONIC, the clock of the kernel's edge stamps.
func monotonicNow() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
