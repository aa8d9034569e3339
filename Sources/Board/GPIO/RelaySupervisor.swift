/// Watches that a contactor does what it is told, using the debounced
/// feedback's edge timestamps and the times commands were given.
///
/// The supervisor never retries: on a failure it reports the fault and
/// asks for the coil to be released, and it stays in that state until the
/// charge point commands again (or, for a welded contact, until the
/// contact is seen open).
struct RelaySupervisor {
    enum Failure: Equatable, CustomStringConvertible {
        /// Commanded closed, feedback did not follow in time.
        case didNotClose
        /// Commanded closed, was closed, and the feedback dropped.
        case droppedOut
        /// Commanded open, feedback still or again says closed.
        case welded

        var description: String {
            switch self {
            case .didNotClose: "the contactor did not close when commanded"
            case .droppedOut: "the contactor opened by itself while commanded closed"
            case .welded: "the contactor reports closed while commanded open (welded contact?)"
            }
        }
    }

    enum Finding: Equatable {
        /// Report the fault and open the coil.
        case raised(Failure)
        case cleared(Failure)
    }

    enum Decision: Equatable {
        case drive(Bool)
        /// A welded contactor cannot be commanded closed: it is closed, and
        /// energizing the coil would hide the fault.
        case refused(Failure)
    }

    let timeout: UInt64
    private(set) var commanded = false
    private(set) var feedback: Bool
    private(set) var failure: Failure?
    /// Set while a command waits for its feedback.
    private var commandDeadline: UInt64?

    init(feedback: Bool, at time: UInt64, timeout: UInt64) {
        self.timeout = timeout
        self.feedback = feedback
        // Starting up with the contact closed is checked like any opening.
        commandDeadline = feedback ? time &+ timeout : nil
    }

    var deadline: UInt64? { commandDeadline }

    mutating func command(closed: Bool, at time: UInt64) -> (Decision, [Finding]) {
        if closed, failure == .welded { return (.refused(.welded), []) }
        commanded = closed
        commandDeadline = feedback == closed ? nil : time &+ timeout
        var findings: [Finding] = []
        // A new close command is the charge point's explicit try again;
        // the old failure clears once the contactor follows.
        if closed, feedback, let old = failure, old != .welded {
            failure = nil
            findings.append(.cleared(old))
        }
        return (.drive(closed), findings)
    }

    mutating func feedback(closed: Bool, at time: UInt64) -> [Finding] {
        feedback = closed
        if closed == commanded {
            commandDeadline = nil
            guard let old = failure else { return [] }
            // Seeing open while commanded open clears a weld; seeing closed
            // after a new close command clears the rest.
            if old == .welded && !closed || old != .welded && closed {
                failure = nil
                return [.cleared(old)]
            }
            return []
        }
        // While a command is still within its time, the contactor is moving.
        if let deadline = commandDeadline, time < deadline { return [] }
        return fail(commanded ? .droppedOut : .welded, at: time)
    }

    mutating func poll(now: UInt64) -> [Finding] {
        guard let deadline = commandDeadline, now >= deadline else { return [] }
        commandDeadline = nil
        guard feedback != commanded else { return [] }
        return fail(commanded ? .didNotClose : .welded, at: now)
    }

    private mutating func fail(_ kind: Failure, at time: UInt64) -> [Finding] {
        // Releasing the coil is a command too: the contactor gets its time
        // to open (or to finish a late close and drop again) before a
        // closed feedback counts as a weld. A weld is final: no deadline.
        commanded = false
        commandDeadline = kind == .welded ? nil : time &+ timeout
        guard let old = failure else {
            failure = kind
            return [.raised(kind)]
        }
        // One fault at a time: a weld replaces another failure, since it is
        // the one that refuses close commands.
        guard kind == .welded, old != .welded else { return [] }
        failure = kind
        return [.cleared(old), .raised(kind)]
    }
}
