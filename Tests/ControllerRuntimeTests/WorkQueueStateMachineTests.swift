import Testing

@testable import ControllerRuntime

@Suite("WorkQueueStateMachine")
struct WorkQueueStateMachineTests {
    typealias Machine = WorkQueueStateMachine<String, ManualClock.Instant>

    @Test("a key added twice while queued is handed out once")
    func deduplicates() {
        var machine = Machine()
        #expect(machine.add("a", now: at(0)) == .queued)
        #expect(machine.add("a", now: at(1)) == .coalesced)
        #expect(machine.depth == 1)
        #expect(machine.next(now: at(2)) == .process("a", queuedFor: .seconds(2), wakeAnother: false))
        #expect(machine.next(now: at(2)) == .wait(until: nil))
    }

    @Test("keys are handed out in the order they were added")
    func fifo() {
        var machine = Machine()
        for key in ["c", "a", "b", "a"] { _ = machine.add(key, now: at(0)) }
        var order: [String] = []
        while case .process(let key, _, _) = machine.next(now: at(0)) { order.append(key) }
        #expect(order == ["c", "a", "b"])
    }

    @Test("a key being processed is not handed out again until done, then exactly once")
    func reAddWhileProcessing() {
        var machine = Machine()
        _ = machine.add("a", now: at(0))
        #expect(machine.next(now: at(0)) == .process("a", queuedFor: .zero, wakeAnother: false))
        #expect(machine.add("a", now: at(1)) == .deferred)
        #expect(machine.add("a", now: at(2)) == .coalesced)
        #expect(machine.depth == 1)
        #expect(machine.next(now: at(3)) == .wait(until: nil))

        let done = machine.done("a", now: at(4))
        #expect(done == .init(workDuration: .seconds(4), requeued: true, drained: false))
        // Queue duration counts from the first add while processing (t=1).
        #expect(machine.next(now: at(5)) == .process("a", queuedFor: .seconds(4), wakeAnother: false))
        #expect(machine.done("a", now: at(6)).requeued == false)
        #expect(machine.next(now: at(6)) == .wait(until: nil))
    }

    @Test("done for a key that is not being processed changes nothing")
    func doneUnknown() {
        var machine = Machine()
        _ = machine.add("a", now: at(0))
        #expect(machine.done("a", now: at(1)) == .init(workDuration: nil, requeued: false, drained: false))
        #expect(machine.readyCount == 1)
    }

    @Test("delayed keys come out when due, earliest first, timed from when they fell due")
    func delayedOrdering() {
        var machine = Machine()
        #expect(machine.add("b", after: .seconds(2), now: at(0)) == .scheduled(wakesWaiter: true))
        #expect(machine.add("a", after: .seconds(1), now: at(0)) == .scheduled(wakesWaiter: true))
        #expect(machine.add("c", after: .seconds(3), now: at(0)) == .scheduled(wakesWaiter: false))
        #expect(machine.depth == 0)
        #expect(machine.delayedCount == 3)

        #expect(machine.next(now: at(0.5)) == .wait(until: at(1)))
        #expect(machine.addCount == 0)
        #expect(machine.next(now: at(1.5)) == .process("a", queuedFor: .milliseconds(500), wakeAnother: true))
        #expect(machine.addCount == 1)
        #expect(machine.next(now: at(1.5)) == .wait(until: at(2)))
        // Both remaining keys are due at t=5: the earlier-due one first.
        #expect(machine.next(now: at(5)) == .process("b", queuedFor: .seconds(3), wakeAnother: true))
        #expect(machine.addCount == 3)
        #expect(machine.next(now: at(5)) == .process("c", queuedFor: .seconds(2), wakeAnother: false))
    }

    @Test("keys due at the same instant come out in the order they were scheduled")
    func delayedTies() {
        var machine = Machine()
        for key in ["x", "y", "z"] { _ = machine.add(key, after: .seconds(1), now: at(0)) }
        var order: [String] = []
        while case .process(let key, _, _) = machine.next(now: at(1)) { order.append(key) }
        #expect(order == ["x", "y", "z"])
    }

    @Test("scheduling a key again keeps the earlier time")
    func rescheduleKeepsEarlier() {
        var machine = Machine()
        _ = machine.add("a", after: .seconds(5), now: at(0))
        #expect(machine.add("a", after: .seconds(10), now: at(0)) == .scheduled(wakesWaiter: false))
        #expect(machine.scheduledTime(of: "a") == at(5))
        #expect(machine.add("a", after: .seconds(1), now: at(0)) == .scheduled(wakesWaiter: true))
        #expect(machine.scheduledTime(of: "a") == at(1))
        #expect(machine.delayedCount == 1)
        #expect(machine.next(now: at(1)) == .process("a", queuedFor: .zero, wakeAnother: false))
        // The superseded entry (t=5) is not handed out again.
        #expect(machine.next(now: at(6)) == .wait(until: nil))
    }

    @Test("a key due but not yet handed out is ready: a new delay for it is a second wait")
    func dueKeyIsReady() {
        var machine = Machine()
        _ = machine.add("a", after: .seconds(1), now: at(0))
        // At t=2 "a" is ready (due at 1); asking for it again in 3 s is another hand-out at 5.
        #expect(machine.add("a", after: .seconds(3), now: at(2)) == .scheduled(wakesWaiter: true))
        #expect(machine.depth == 1)
        #expect(machine.next(now: at(2)) == .process("a", queuedFor: .seconds(1), wakeAnother: true))
        _ = machine.done("a", now: at(2))
        #expect(machine.next(now: at(4)) == .wait(until: at(5)))
        #expect(machine.next(now: at(5)) == .process("a", queuedFor: .zero, wakeAnother: false))
    }

    @Test("an add coalesces with a delayed key that is due")
    func addCoalescesWithDueKey() {
        var machine = Machine()
        _ = machine.add("a", after: .seconds(1), now: at(0))
        #expect(machine.add("a", now: at(2)) == .coalesced)
        #expect(machine.addCount == 1)
    }

    @Test("a zero or negative delay is an immediate add")
    func nonPositiveDelay() {
        var machine = Machine()
        #expect(machine.add("a", after: .zero, now: at(0)) == .queued)
        #expect(machine.add("b", after: .seconds(-1), now: at(0)) == .queued)
        #expect(machine.delayedCount == 0)
    }

    @Test("a delayed key that is already queued when due is coalesced")
    func delayedCoalesces() {
        var machine = Machine()
        _ = machine.add("a", after: .seconds(1), now: at(0))
        _ = machine.add("a", now: at(0))
        #expect(machine.next(now: at(2)) == .process("a", queuedFor: .seconds(2), wakeAnother: false))
        #expect(machine.addCount == 1)
        #expect(machine.next(now: at(2)) == .wait(until: nil))
    }

    @Test("a delayed key due while it is processed is handed out after done")
    func delayedWhileProcessing() {
        var machine = Machine()
        _ = machine.add("a", now: at(0))
        _ = machine.next(now: at(0))
        _ = machine.add("a", after: .seconds(1), now: at(0))
        #expect(machine.next(now: at(2)) == .wait(until: nil))
        #expect(machine.depth == 1)
        #expect(machine.done("a", now: at(3)).requeued)
        #expect(machine.next(now: at(3)) == .process("a", queuedFor: .seconds(2), wakeAnother: false))
    }

    @Test("shutting down drops waiting keys, rejects adds and ends consumers")
    func shutDown() {
        var machine = Machine()
        _ = machine.add("a", now: at(0))
        _ = machine.add("b", now: at(0))
        _ = machine.add("c", after: .seconds(1), now: at(0))
        _ = machine.next(now: at(0))
        let started = machine.shutDown(drain: false)
        let startedAgain = machine.shutDown(drain: false)
        #expect(started && !startedAgain)
        #expect(machine.depth == 0 && machine.delayedCount == 0)
        #expect(machine.add("d", now: at(1)) == .rejected)
        #expect(machine.add("d", after: .seconds(1), now: at(1)) == .rejected)
        #expect(machine.next(now: at(2)) == .finished)
        // The key in flight may still finish; it is not queued again.
        _ = machine.add("a", now: at(2))
        #expect(machine.done("a", now: at(3)) == .init(workDuration: .seconds(3), requeued: false, drained: true))
    }

    @Test("a draining shutdown is drained when the last key in flight is done")
    func drain() {
        var machine = Machine()
        _ = machine.add("a", now: at(0))
        _ = machine.add("b", now: at(0))
        _ = machine.next(now: at(0))
        _ = machine.next(now: at(0))
        let started = machine.shutDown(drain: true)
        #expect(started)
        #expect(machine.lifecycle == .shuttingDown(drain: true))
        #expect(!machine.isDrained)
        #expect(machine.done("a", now: at(1)).drained == false)
        #expect(machine.done("b", now: at(1)).drained == true)
        #expect(machine.isDrained)
    }

    @Test("a draining shutdown can be made immediate, not the reverse")
    func drainThenImmediate() {
        var machine = Machine()
        _ = machine.shutDown(drain: true)
        _ = machine.shutDown(drain: false)
        #expect(machine.lifecycle == .shuttingDown(drain: false))
        _ = machine.shutDown(drain: true)
        #expect(machine.lifecycle == .shuttingDown(drain: false))
    }

    @Test("unfinished work sums and maxes the time of keys in flight")
    func unfinishedWork() {
        var machine = Machine()
        #expect(machine.unfinishedWork(now: at(0)) == (.zero, .zero))
        _ = machine.add("a", now: at(0))
        _ = machine.add("b", now: at(0))
        _ = machine.next(now: at(1))
        _ = machine.next(now: at(3))
        #expect(machine.unfinishedWork(now: at(4)) == (.seconds(4), .seconds(3)))
        _ = machine.done("a", now: at(4))
        #expect(machine.unfinishedWork(now: at(5)) == (.seconds(2), .seconds(2)))
    }

    @Test("instants that arrive out of order never give negative durations")
    func clampsDurations() {
        var machine = Machine()
        _ = machine.add("a", now: at(5))
        #expect(machine.next(now: at(4)) == .process("a", queuedFor: .zero, wakeAnother: false))
        #expect(machine.done("a", now: at(3)).workDuration == .zero)
    }

    /// Random operations against the guarantees, with a seeded generator: a key is never handed
    /// out while it is processed, and every add is followed by a hand-out of that key.
    @Test("random operations keep the guarantees", arguments: [1, 2, 3, 42, 2024] as [UInt64])
    func randomized(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var machine = Machine()
        let keys = ["a", "b", "c", "d", "e"]
        var processing: Set<String> = []
        /// Keys added (now or due by now) and not handed out since.
        var owed: Set<String> = []
        var delayed: [String: Double] = [:]
        var now = 0.0
        for _ in 0..<5_000 {
            let key = keys.randomElement(using: &random)!
            switch random.next() % 5 {
            case 0:
                _ = machine.add(key, now: at(now))
                owed.insert(key)
            case 1:
                let delay = Double(random.next() % 4)
                _ = machine.add(key, after: .seconds(delay), now: at(now))
                if delay == 0 {
                    owed.insert(key)
                } else {
                    delayed[key] = min(delayed[key] ?? .infinity, now + delay)
                }
            case 2:
                if case .process(let key, _, _) = machine.next(now: at(now)) {
                    #expect(!processing.contains(key), "handed out \(key) while it was processed")
                    processing.insert(key)
                    owed.remove(key)
                }
            case 3:
                if let key = processing.sorted().randomElement(using: &random) {
                    processing.remove(key)
                    _ = machine.done(key, now: at(now))
                }
            default:
                now += 0.5
            }
            for (key, due) in delayed.sorted(by: { $0.key < $1.key }) where due <= now {
                owed.insert(key)
                delayed[key] = nil
            }
        }
        // Finish everything in flight, let every delay fall due, and drain.
        now += 10
        for (key, _) in delayed { owed.insert(key) }
        for key in processing { _ = machine.done(key, now: at(now)) }
        var handedOut: Set<String> = []
        while case .process(let key, _, _) = machine.next(now: at(now)) {
            #expect(!handedOut.contains(key))
            handedOut.insert(key)
            _ = machine.done(key, now: at(now))
        }
        #expect(owed.isSubset(of: handedOut), "keys added but never handed out: \(owed.subtracting(handedOut))")
    }
}
