import Testing

@testable import Link

@Suite struct CallSequencerTests {
    @Test func oneTurnAtATime() {
        var sequencer = CallSequencer()
        let first = sequencer.admitNow(isPriority: false)
        #expect(first != nil)
        #expect(sequencer.admitNow(isPriority: false) == nil)
        #expect(sequencer.admitNow(isPriority: true) == nil)
        #expect(sequencer.release(first!) == nil)
        #expect(sequencer.admitNow(isPriority: false) != nil)
    }

    @Test func aStaleReleaseDoesNotFreeTheNextTurn() {
        var sequencer = CallSequencer()
        let old = sequencer.admitNow(isPriority: false)!
        _ = sequencer.connectionClosed()
        let current = sequencer.admitNow(isPriority: false)!
        #expect(sequencer.release(old) == nil)
        #expect(sequencer.currentTurn == current)
    }

    @Test func onlyPriorityCallersWhileOpening() {
        var sequencer = CallSequencer()
        sequencer.connectionOpened(hasOpeningHook: true)
        #expect(sequencer.admitNow(isPriority: false) == nil)
        let boot = sequencer.admitNow(isPriority: true)
        #expect(boot != nil)
    }
}
