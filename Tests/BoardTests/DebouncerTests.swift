import Testing

@testable import Board

private let ms: UInt64 = 1_000_000

@Suite struct DebouncerTests {
    @Test func aLevelCountsOnceItHeldForTheInterval() {
        var input = Debouncer(level: false, at: 0, interval: 50 * ms)
        #expect(input.edge(to: true, at: 100 * ms).isEmpty)
        #expect(input.deadline == 150 * ms)
        #expect(input.poll(now: 149 * ms) == nil)
        #expect(input.poll(now: 150 * ms) == .init(level: true, since: 100 * ms))
        #expect(input.level)
        #expect(input.deadline == nil)
    }

    @Test func bouncesRestartTheWait() {
        var input = Debouncer(level: false, at: 0, interval: 50 * ms)
        for (index, time) in [100, 103, 107, 110, 118].enumerated() {
            #expect(input.edge(to: index % 2 == 0, at: UInt64(time) * ms).isEmpty)
        }
        #expect(input.deadline == 168 * ms)
        #expect(input.poll(now: 160 * ms) == nil)
        #expect(input.poll(now: 168 * ms) == .init(level: true, since: 118 * ms))
    }

    @Test func aBounceBackToTheStableLevelIsNoChange() {
        var input = Debouncer(level: true, at: 0, interval: 50 * ms)
        #expect(input.edge(to: false, at: 10 * ms).isEmpty)
        #expect(input.edge(to: true, at: 12 * ms).isEmpty)
        #expect(input.deadline == nil)
        #expect(input.poll(now: 1000 * ms) == nil)
        #expect(input.level)
    }

    @Test func aLevelThatSettledBeforeTheNextEdgeStillCounts() {
        var input = Debouncer(level: false, at: 0, interval: 50 * ms)
        _ = input.edge(to: true, at: 100 * ms)
        // Nobody polled; the next edge comes much later.
        #expect(input.edge(to: false, at: 400 * ms) == [.init(level: true, since: 100 * ms)])
        #expect(input.poll(now: 450 * ms) == .init(level: false, since: 400 * ms))
    }

    @Test func aLostEdgeStillRestartsTheWait() {
        var input = Debouncer(level: false, at: 0, interval: 50 * ms)
        _ = input.edge(to: true, at: 100 * ms)
        _ = input.edge(to: true, at: 130 * ms)
        #expect(input.poll(now: 150 * ms) == nil)
        #expect(input.poll(now: 180 * ms) == .init(level: true, since: 130 * ms))
    }

    @Test func zeroIntervalFollowsEveryEdge() {
        var input = Debouncer(level: false, at: 0, interval: 0)
        #expect(input.edge(to: true, at: 5) == [.init(level: true, since: 5)])
        #expect(input.edge(to: false, at: 6) == [.init(level: false, since: 6)])
    }
}

@Suite struct EnergyPulseCounterTests {
    @Test func countsFromTheStoredRegister() {
        var meter = EnergyPulseCounter(impulsesPerKilowattHour: 1000, minimumInterval: 20 * ms, startWattHours: 5000)
        #expect(meter.wattHours == 5000)
        #expect(meter.pulse(at: 100 * ms) == .register(5001))
        #expect(meter.pulse(at: 300 * ms) == .register(5002))
        #expect(meter.pulses == 2)
    }

    @Test func ratesThatAreNotWholeWattHoursLoseNothing() {
        var meter = EnergyPulseCounter(impulsesPerKilowattHour: 800, minimumInterval: 0, startWattHours: 0)
        var outcomes: [EnergyPulseCounter.Outcome] = []
        for index in 0..<800 { outcomes.append(meter.pulse(at: UInt64(index) * 100 * ms)) }
        #expect(meter.wattHours == 1000)
        // 1.25 Wh a pulse: the fraction carries over instead of being dropped.
        #expect(outcomes.prefix(4) == [.register(1), .register(2), .register(3), .register(5)])
    }

    @Test func pulsesCloserThanAnyS0MeterSendsAreNoise() {
        var meter = EnergyPulseCounter(impulsesPerKilowattHour: 1000, minimumInterval: 20 * ms, startWattHours: 0)
        #expect(meter.pulse(at: 100 * ms) == .register(1))
        #expect(meter.pulse(at: 105 * ms) == .ignored(sincePrevious: 5 * ms))
        #expect(meter.pulse(at: 120 * ms) == .register(2))
        #expect(meter.wattHours == 2)
    }

    @Test func highRatesReportEveryWholeWattHour() {
        var meter = EnergyPulseCounter(impulsesPerKilowattHour: 10_000, minimumInterval: 0, startWattHours: 0)
        let outcomes = (1...20).map { meter.pulse(at: UInt64($0) * ms) }
        #expect(outcomes.filter { $0 != .counted } == [.register(1), .register(2)])
    }
}
