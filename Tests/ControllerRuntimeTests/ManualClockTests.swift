import ControllerRuntime
import Testing

@Suite("ManualClock", .timeLimit(.minutes(1)))
struct ManualClockTests {
    @Test("sleep returns when advance reaches the deadline, not before")
    func sleepUntilAdvanced() async throws {
        let clock = ManualClock()
        let woke = Locked(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await clock.sleep(for: .seconds(5))
                woke.withLock { $0 = true }
            }
            await clock.waitForSleepers(count: 1)
            #expect(clock.nextDeadline == at(5))
            clock.advance(by: .seconds(4))
            #expect(clock.sleeperCount == 1)
            #expect(!woke.value)
            clock.advance(by: .seconds(1))
            try await group.waitForAll()
        }
        #expect(woke.value)
        #expect(clock.now == at(5))
    }

    @Test("a deadline that has passed returns at once")
    func pastDeadline() async throws {
        let clock = ManualClock()
        clock.advance(by: .seconds(3))
        try await clock.sleep(until: at(2))
        try await clock.sleep(until: at(3))
        #expect(clock.sleeperCount == 0)
    }

    @Test("cancelling a sleeper throws CancellationError and unregisters it")
    func cancellation() async {
        let clock = ManualClock()
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await clock.sleep(for: .seconds(1))
                    return false
                } catch {
                    return error is CancellationError
                }
            }
            await clock.waitForSleepers(count: 1)
            group.cancelAll()
            #expect(await group.next() == true)
        }
        #expect(clock.sleeperCount == 0)
    }

    @Test("advance wakes exactly the sleepers it passes")
    func partialAdvance() async throws {
        let clock = ManualClock()
        let woken = Locked<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seconds in [3, 1, 2] {
                group.addTask {
                    try await clock.sleep(until: at(Double(seconds)))
                    woken.withLock { $0.append(seconds) }
                }
            }
            await clock.waitForSleepers(count: 3)
            clock.advance(to: at(2))
            await eventually("two sleepers woke") { woken.value.count == 2 }
            #expect(Set(woken.value) == [1, 2])
            #expect(clock.sleeperCount == 1)
            clock.advance(to: at(1))  // never backwards
            #expect(clock.now == at(2))
            clock.advance(by: .seconds(1))
            try await group.waitForAll()
        }
        #expect(woken.value.count == 3)
    }
}
