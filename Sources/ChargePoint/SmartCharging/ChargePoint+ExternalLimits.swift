import Board
import OCPP16

/// What one source of an external power limit says at present.
public struct ExternalLimitState: Sendable, Equatable {
    public var source: ExternalLimitSource
    /// The power allowed in all, W; nil while the source imposes nothing.
    public var watts: Double?
    /// When the source last changed (or first reported).
    public var since: OCPPDateTime

    public init(source: ExternalLimitSource, watts: Double?, since: OCPPDateTime) {
        self.source = source
        self.watts = watts
        self.since = since
    }

    public var isActive: Bool { watts != nil }
}

/// External power limits (§14a EnWG): a grid operator's control contact or
/// a local energy manager. Each source is one more party in the lowest-of-all
/// merge, taken into account on its event, not on the next tick. Only the
/// source's live state counts: nothing of it is stored, so after a restart
/// the limit is what the board reports then.
extension ChargePoint {
    /// Every source the board has reported, active or not, in a fixed order.
    public var externalLimitStates: [ExternalLimitState] {
        ExternalLimitSource.allCases.compactMap { externalLimits[$0] }
    }

    /// The tightest external limit in force, W; nil when none is.
    var externalWatts: Double? {
        externalLimits.values.compactMap(\.watts).min()
    }

    /// A connector's share of the external limit, W: the limit binds the
    /// charger as a whole (§14a EnWG dims the device, not each outlet), so it
    /// is split evenly among the connectors whose transactions run; a
    /// connector without one is counted as if it started now. Connector 0
    /// (the charger) gets the whole limit.
    func externalWatts(for connectorId: Int) -> Double? {
        guard let total = externalWatts else { return nil }
        guard connectorId > 0, let index = index(of: connectorId) else { return total }
        let running = connectors.filter { $0.transaction != nil }.count
        let sharing = running + (connectors[index].transaction == nil ? 1 : 0)
        return total / Double(max(1, sharing))
    }

    /// A source began, changed or ended its limit: applied at once (a limit
    /// of 0 suspends charging, never ends a transaction) and told to every
    /// operator. A first report of "no limit" (the board's state at start)
    /// is only remembered.
    func externalLimitChanged(source: ExternalLimitSource, watts: Double?, now: OCPPDateTime) async {
        if let watts, !(watts.isFinite && watts >= 0 && watts <= Self.largestExternalLimit) {
            logger.error(
                "external limit ignored: not a power from 0 to 1 GW",
                metadata: ["source": "\(source.rawValue)", "watts": "\(watts)"])
            return
        }
        let previous = externalLimits[source]
        if let previous, previous.watts == watts { return }
        externalLimits[source] = ExternalLimitState(source: source, watts: watts, since: now)
        applyLimits(now: now)
        if let watts {
            logger.notice("external limit in force", metadata: ["source": "\(source.rawValue)", "watts": "\(watts)"])
        } else if previous != nil {
            logger.notice("external limit ended", metadata: ["source": "\(source.rawValue)"])
        }
        guard previous?.watts != nil || watts != nil else { return }
        await uplink?.emit(.externalLimit(source: source, watts: watts, to: nil))
    }

    /// The largest power a source may name: anything above is a misreading.
    static let largestExternalLimit = 1e9
}
