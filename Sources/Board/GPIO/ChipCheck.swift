#if canImport(Glibc)
import Glibc
#endif

/// One GPIO chip a pin map names, as `chargeplex doctor` finds it on this machine.
public struct ChipReport: Sendable, Equatable, CustomStringConvertible {
    public enum Status: Sendable, Equatable {
        /// Opened: the kernel's name and label of the chip, and its number of lines.
        case present(name: String, label: String, lines: Int)
        /// No chip by that path, number or label.
        case notFound
        /// The chip device is there but this user may not open it.
        case permissionDenied(path: String)
        case failed(path: String, reason: String)
    }

    /// The name the pin map's lines use (`main` is `[board] chip`).
    public var name: String
    /// How the pin map names the chip: a path, `gpiochip4`, a number or a label.
    public var spec: String
    public var status: Status

    public var isOK: Bool {
        if case .present = status { return true }
        return false
    }

    public var description: String {
        let subject = name == spec ? "GPIO chip \(spec)" : "GPIO chip \(name) (\(spec))"
        switch status {
        case .present(let chip, let label, let lines):
            return "\(subject): \(chip) [\(label)], \(lines) lines, opened"
        case .notFound:
            return "\(subject): not found on this machine (is the pin map for this board? `gpiodetect` lists the chips)"
        case .permissionDenied(let path):
            return "\(subject): permission denied: \(path): run as root, or as a user in the group that owns it"
                + " (the package's udev rule gives group gpio the chips)"
        case .failed(let path, let reason):
            return "\(subject): \(path) cannot be opened: \(reason)"
        }
    }
}

extension GPIOBoard {
    /// Every chip `pinMap`'s lines use, looked for and opened (and closed again) the way the
    /// board opens them; no line is requested.
    public static func checkChips(pinMap: PinMap) -> [ChipReport] {
        var names: [String] = []
        for line in pinMap.lines where !names.contains(line.spec.chip) { names.append(line.spec.chip) }
        return names.map { name in
            let spec = pinMap.chips[name] ?? name
            return ChipReport(name: name, spec: spec, status: status(of: spec))
        }
    }

    private static func status(of spec: String) -> ChipReport.Status {
        // A path, name or number means one device; a label, whichever device has it.
        let byLabel = !spec.hasPrefix("/") && Int(spec) == nil
            && !(spec.hasPrefix("gpiochip") && Int(spec.dropFirst("gpiochip".count)) != nil)
        let paths = byLabel ? GPIOChip.devicePaths() : [devicePath(of: spec)]
        var refused: ChipReport.Status?
        for path in paths {
            // Asked first, and the same with either libgpiod: 2.x looks at the device before
            // it opens it, so its errno would not tell.
            if access(path, F_OK) == 0, faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) != 0, errno == EACCES || errno == EPERM {
                refused = refused ?? .permissionDenied(path: path)
                continue
            }
            if let chip = GPIOChip.open(path: path) {
                if byLabel && chip.label != spec { continue }
                return .present(name: chip.name, label: chip.label, lines: chip.lineCount)
            }
            let code = errno
            switch code {
            case EACCES, EPERM: refused = refused ?? .permissionDenied(path: path)
            case ENOENT where !byLabel: return .notFound
            default: if !byLabel { return .failed(path: path, reason: String(cString: strerror(code))) }
            }
        }
        // A chip that could not be opened may be the one with the label.
        return refused ?? .notFound
    }

    private static func devicePath(of spec: String) -> String {
        if spec.hasPrefix("/") { return spec }
        if Int(spec) != nil { return "/dev/gpiochip" + spec }
        return "/dev/" + spec
    }
}
