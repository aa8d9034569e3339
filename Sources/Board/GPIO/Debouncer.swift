/// A contact input (plug sense, contactor feedback) that only changes state
/// once the raw level has held still for `interval`.
///
/// Works on edge timestamps, so a bounce is measured where it happened and
/// not when the event thread got round to it.
struct Debouncer {
    struct Change: Equatable {
        var level: Bool
        /// When the new level began (the last raw edge before it settled).
        var since: UInt64
    }

    let interval: UInt64
    private(set) var level: Bool
    private var raw: Bool
    private var rawSince: UInt64

    init(level: Bool, at time: UInt64, interval: UInt64) {
        self.interval = interval
        self.level = level
        raw = level
        rawSince = time
    }

    /// When a pending raw level will have settled, if one is pending.
    var deadline: UInt64? { raw == level ? nil : rawSince &+ interval }

    /// Records a raw edge: `level` is the level after it.
    mutating func edge(to level: Bool, at time: UInt64) -> [Change] {
        // A level that settled before this edge still counts, even if
        // nobody polled in between.
        var changes = settle(now: time).map { [$0] } ?? []
        // Every edge restarts the wait, including a repeated level: the
        // opposite edge was lost in between, so the line did move.
        raw = level
        rawSince = time
        if let change = settle(now: time) { changes.append(change) }
        return changes
    }

    mutating func poll(now: UInt64) -> Change? { settle(now: now) }

    private mutating func settle(now: UInt64) -> Change? {
        guard let deadline, now >= deadline else { return nil }
        level = raw
        return Change(level: raw, since: rawSince)
    }
}
