/// One line of `chargeplex board check`: is the pin map's line there and
/// free on this machine, and what level does an input show right now.
public struct LineReport: Sendable, Equatable, CustomStringConvertible {
    public enum Status: Sendable, Equatable {
        case ok
        case chipNotFound
        case noSuchLine
        case busy(consumer: String?)
        case refused(String)
    }

    public var key: String
    public var role: LineRole
    /// The chip as the pin map names it.
    public var chip: String
    /// The chip found for it: `gpiochip0 [pinctrl-bcm2711]`.
    public var foundChip: String?
    public var offset: Int
    /// The line's name in the device tree (`GPIO17`), if it has one.
    public var lineName: String?
    public var status: Status
    /// An input's logical level, read by holding the line for a moment.
    /// Outputs are never touched: requesting one would drive it.
    public var level: Bool?

    public var isOK: Bool { status == .ok }

    public var description: String {
        var text = "\(key) (\(role)): \(foundChip ?? chip) line \(offset)"
        if let lineName { text += " \"\(lineName)\"" }
        switch status {
        case .ok: text += ": ok"
        case .chipNotFound: text += ": chip not found"
        case .noSuchLine: text += ": no such line on this chip"
        case .busy(let consumer): text += ": in use by '\(consumer ?? "?")'"
        case .refused(let reason): text += ": \(reason)"
        }
        if let level { text += ", reads \(level ? "active" : "inactive")" }
        return text
    }
}

extension GPIOBoard {
    /// Checks every line of `pinMap` against this machine's GPIO chips
    /// without driving any output; for `chargeplex board check`. Lines held
    /// by a running agent show as busy, with its consumer name.
    public static func checkLines(pinMap: PinMap) -> [LineReport] {
        var chips: [String: GPIOChip?] = [:]
        return pinMap.lines.map { line in
            let spec = pinMap.chips[line.spec.chip] ?? line.spec.chip
            if chips[line.spec.chip] == nil { chips[line.spec.chip] = .some(GPIOChip.open(spec)) }
            var report = LineReport(
                key: line.spec.key, role: line.role, chip: spec, foundChip: nil,
                offset: line.spec.offset, lineName: nil, status: .chipNotFound, level: nil)
            guard let chip = chips[line.spec.chip] ?? nil else { return report }
            report.foundChip = "\(chip.name) [\(chip.label)]"
            guard let info = chip.info(offset: line.spec.offset) else {
                report.status = .noSuchLine
                return report
            }
            report.lineName = info.name
            if info.isUsed {
                report.status = .busy(consumer: info.consumer)
                return report
            }
            report.status = .ok
            guard !line.role.isOutput else { return report }
            do throws(RequestedLine.Failure) {
                let held = try RequestedLine(role: line.role, spec: line.spec, chip: chip)
                report.level = held.level()
                held.release()
            } catch {
                report.status = .refused(explain(error, chip: chip, offset: line.spec.offset))
            }
            return report
        }
    }
}
