import Testing

@testable import chargeplex

@Suite struct ServiceStatusTests {
    typealias Operator = ServiceStatus.OperatorState

    @Test("the line names the connected operators and counts transactions", arguments: [
        ([Operator(name: "billing", connected: true), Operator(name: "home", connected: true),
          Operator(name: "energy", connected: false)], 1,
         "2 of 3 operators connected (billing, home), 1 transaction running"),
        ([Operator(name: "home", connected: false)], 0, "0 of 1 operator connected, no transaction running"),
        ([Operator(name: "home", connected: true)], 2, "1 of 1 operator connected (home), 2 transactions running"),
        ([], 0, "no operator enabled, no transaction running"),
    ] as [([Operator], Int, String)])
    func line(operators: [Operator], transactions: Int, expected: String) {
        #expect(ServiceStatus.line(operators: operators, transactions: transactions) == expected)
    }
}

@Suite struct SystemdNotifyTests {
    @Test("WATCHDOG_USEC is taken when it is meant for this process")
    func watchdogInterval() {
        #expect(SystemdNotify.watchdogInterval(microseconds: "30000000", pid: nil, ownPID: 42) == .seconds(30))
        #expect(SystemdNotify.watchdogInterval(microseconds: "30000000", pid: "42", ownPID: 42) == .seconds(30))
        #expect(SystemdNotify.watchdogInterval(microseconds: "30000000", pid: "41", ownPID: 42) == nil)
    }

    @Test("a WATCHDOG_USEC that is not a sane interval is ignored",
          arguments: [nil, "", "0", "-5", "30s", " 30", "1e6", "86400000001", "99999999999999999999999"] as [String?])
    func badWatchdogInterval(value: String?) {
        #expect(SystemdNotify.watchdogInterval(microseconds: value, pid: nil, ownPID: 1) == nil)
    }
}
