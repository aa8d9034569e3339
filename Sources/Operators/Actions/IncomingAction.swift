import ChargePoint
import Configuration
import OCPP16

/// What an incoming action can know and reach while it is decided and carried out.
struct ActionContext: Sendable {
    let operators: Operators
    let entry: OperatorEntry
    /// The transactions running when the call came in.
    let transactions: [Transaction]
    let now: OCPPDateTime
    /// The facts the action's row of the rule book is read with.
    var permission: PermissionContext

    var origin: RequestOrigin { RequestOrigin(operatorName: entry.name) }
    var chargePoint: ChargePoint { operators.chargePoint }
}

/// An incoming CALL's home in the operators layer: its row of the rule book
/// (operators.md), the translation of the operator's own transaction ids,
/// and what is done with it. Decoding is the message's own (`OCPP16`), the
/// charge point's handling its `ChargePointOperation`. One file per action,
/// named after it: a new action is a new file.
protocol IncomingAction: ChargePointOperation {
    /// The rule book's row; allowed unless the action says otherwise.
    func permission(in context: PermissionContext) -> Permission
    /// Runs before the row is read: puts the charger's own transaction
    /// numbers in place of the operator's ids and fills in the facts the row
    /// needs. An answer here ends the call.
    mutating func prepare(_ context: inout ActionContext) async -> Response?
    /// Carries the call out; by default the charge point does.
    func carryOut(_ context: ActionContext) async -> Response
}

extension IncomingAction {
    func permission(in context: PermissionContext) -> Permission { .allow }

    mutating func prepare(_ context: inout ActionContext) async -> Response? { nil }

    func carryOut(_ context: ActionContext) async -> Response {
        await context.chargePoint.respond(to: self, from: context.origin, now: context.now)
    }
}

extension Operators {
    /// One incoming call: prepared, checked against its row, carried out.
    func run<Action: IncomingAction>(_ action: Action, from entry: OperatorEntry) async -> any OCPPMessage {
        var action = action
        let transactions = await chargePoint.transactions
        var context = ActionContext(
            operators: self, entry: entry, transactions: transactions, now: clock(),
            permission: PermissionContext(role: entry.role, isAuthority: entry.name == authorityName, anyTransaction: !transactions.isEmpty))
        if let answer = await action.prepare(&context) { return answer }
        if case .refuse(let answer) = action.permission(in: context.permission) {
            logger.notice(
                "refused by the role rules",
                metadata: ["operator": "\(entry.name)", "action": "\(Action.action.rawValue)", "role": "\(entry.role.rawValue)"])
            return answer
        }
        return await action.carryOut(context)
    }
}
