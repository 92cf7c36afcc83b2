import ControllerRuntime
import MetricsTestKit
import Testing

@Suite("WorkQueue", .timeLimit(.minutes(1)))
struct WorkQueueTests {
    func makeQueue(
        clock: ManualClock = ManualClock(),
        rateLimiter: (any WorkQueueRateLimiter<String, ManualClock.Instant>)? = nil,
        metrics: TestMetrics = TestMetrics()
    ) -> WorkQueue<String, ManualClock> {
        WorkQueue(name: "test", clock: clock, rateLimiter: rateLimiter, metricsFactory: metrics)
    }

    @Test("an added key is handed out once, however often it was added")
    func deduplicates() async {
        let queue = makeQueue()
        queue.add("a")
        queue.add("a")
        queue.add("b")
        #expect(queue.count == 2)
        #expect(await queue.get() == "a")
        #expect(await queue.get() == "b")
        #expect(queue.count == 0)
        #expect(queue.processingCount == 2)
    }

    @Test("a key re-added while processed waits for done, then comes back once")
    func reAddDuringProcessing() async {
        let queue = makeQueue()
        queue.add("a")
        #expect(await queue.get() == "a")
        queue.add("a")
        queue.add("a")
        #expect(queue.count == 1)
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await queue.get() }
            // The second worker must wait: "a" is still being processed.
            await eventually("the worker waits") { queue.waitingConsumerCount == 1 }
            queue.done("a")
            #expect(await group.next() == "a")
        }
        queue.done("a")
        #expect(queue.count == 0)
        queue.shutDown()
        #expect(await queue.get() == nil)
    }

    @Test("concurrent workers never hold the same key, and every add is processed after it was made")
    func neverTwoWorkersOnOneKey() async {
        let queue = WorkQueue<Int, ContinuousClock>(name: "stress", metricsFactory: TestMetrics())
        let inFlight = Locked<Set<Int>>([])
        let violations = Locked(0)
        /// For each key: the number of adds made, and the number of adds covered by a completed
        /// processing (the add count read when processing started).
        let added = Locked<[Int: Int]>([:])
        let covered = Locked<[Int: Int]>([:])
        let workers = 8
        let keys = 16
        let adds = 20_000

        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while let key = await queue.get() {
                        let fresh = inFlight.withLock { $0.insert(key).inserted }
                        if !fresh { violations.withLock { $0 += 1 } }
                        let seen = added.withLock { $0[key, default: 0] }
                        await Task.yield()
                        covered.withLock { $0[key] = max($0[key, default: 0], seen) }
                        inFlight.withLock { _ = $0.remove(key) }
                        queue.done(key)
                    }
                }
            }
            group.addTask {
                var random = SplitMix64(seed: 99)
                for index in 0..<adds {
                    let key = Int(random.next() % UInt64(keys))
                    added.withLock { $0[key, default: 0] += 1 }
                    queue.add(key)
                    if index % 64 == 0 { await Task.yield() }
                }
            }
            await group.next()  // the producer (workers run until shutdown)
            await eventually("every add is covered by a processing") {
                let covered = covered.value
                return added.value.allSatisfy { covered[$0.key, default: 0] >= $0.value }
            }
            await queue.shutDownWithDrain()
        }
        #expect(violations.value == 0)
        #expect(queue.processingCount == 0)
    }

    @Test("delayed keys are handed out when the clock reaches them, earliest first")
    func delayedOrdering() async {
        let clock = ManualClock()
        let queue = makeQueue(clock: clock)
        queue.add("c", after: .seconds(3))
        queue.add("a", after: .seconds(1))
        queue.add("b", after: .seconds(2))
        #expect(queue.delayedCount == 3)
        let received = Locked<[String]>([])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while let key = await queue.get() {
                    received.withLock { $0.append(key) }
                    queue.done(key)
                }
            }
            for (second, expected) in [(1.0, ["a"]), (2.0, ["a", "b"]), (3.0, ["a", "b", "c"])] {
                // The worker sleeps on the clock until the next key is due.
                await clock.waitForSleepers(count: 1)
                #expect(clock.nextDeadline == at(second))
                #expect(received.value.count == expected.count - 1)
                clock.advance(to: at(second))
                await eventually("\(expected) received") { received.value == expected }
            }
            queue.shutDown()
        }
        #expect(received.value == ["a", "b", "c"])
    }

    @Test("a waiting worker re-arms when an earlier key is scheduled")
    func earlierKeyWakesWorker() async {
        let clock = ManualClock()
        let queue = makeQueue(clock: clock)
        queue.add("late", after: .seconds(10))
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await queue.get() }
            await clock.waitForSleepers(count: 1)
            #expect(clock.nextDeadline == at(10))
            queue.add("soon", after: .seconds(2))
            await eventually("timer re-armed for +2 s") { clock.nextDeadline == at(2) }
            clock.advance(by: .seconds(2))
            #expect(await group.next() == "soon")
        }
    }

    @Test("an immediate add wakes a worker that waits for a delayed key")
    func immediateAddWakesTimedWaiter() async {
        let clock = ManualClock()
        let queue = makeQueue(clock: clock)
        queue.add("later", after: .seconds(10))
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await queue.get() }
            await clock.waitForSleepers(count: 1)
            queue.add("now")
            #expect(await group.next() == "now")
        }
        // The timer child was cancelled with the wait: nothing sleeps any more.
        #expect(clock.sleeperCount == 0)
        #expect(queue.delayedCount == 1)
    }

    @Test("rate-limited adds back off exponentially per key; forget resets")
    func backoff() async {
        let clock = ManualClock()
        let queue = makeQueue(clock: clock)
        var deadlines: [ManualClock.Instant] = []
        for _ in 0..<4 {
            queue.addRateLimited("a")
            await withTaskGroup(of: String?.self) { group in
                group.addTask { await queue.get() }
                await clock.waitForSleepers(count: 1)
                deadlines.append(clock.nextDeadline!)
                clock.advance(to: clock.nextDeadline!)
                #expect(await group.next() == "a")
            }
            queue.done("a")
        }
        // Each retry is scheduled from the time of its addRateLimited: 5, 10, 20, 40 ms later.
        let waits = zip([ManualClock.Instant(offset: .zero)] + deadlines, deadlines).map { $0.duration(to: $1) }
        #expect(waits == [5, 10, 20, 40].map { .milliseconds($0) })
        #expect(queue.numRequeues("a") == 4)
        queue.forget("a")
        #expect(queue.numRequeues("a") == 0)
        queue.addRateLimited("a")
        #expect(queue.count == 0)
        #expect(queue.delayedCount == 1)
        clock.advance(by: .milliseconds(5))
        #expect(queue.count == 1)
    }

    @Test("the token bucket holds back a burst of failing keys")
    func tokenBucket() async {
        let clock = ManualClock()
        let limiter = MaxOfRateLimiter<String, ManualClock.Instant>([
            ItemExponentialBackoff(base: .milliseconds(1), maximum: .seconds(10)),
            BucketRateLimiter(qps: 1, burst: 2),
        ])
        let queue = makeQueue(clock: clock, rateLimiter: limiter)
        for key in ["a", "b", "c", "d"] { queue.addRateLimited(key) }
        clock.advance(by: .milliseconds(1))
        #expect(queue.count == 2)  // a and b had tokens
        clock.advance(to: at(1))
        #expect(queue.count == 3)  // c got the token of t=1
        clock.advance(to: at(1.5))
        #expect(queue.count == 3)
        clock.advance(to: at(2))
        #expect(queue.count == 4)  // d got the token of t=2
    }

    @Test("shutDown ends waiting and future gets, and ignores adds")
    func shutDown() async {
        let queue = makeQueue()
        queue.add("queued")
        queue.add("later", after: .seconds(1))
        await withTaskGroup(of: String?.self) { group in
            queue.add("x")
            #expect(await queue.get() == "queued")
            #expect(await queue.get() == "x")
            for _ in 0..<3 { group.addTask { await queue.get() } }
            await eventually("three workers wait") { queue.waitingConsumerCount == 3 }
            queue.shutDown()
            for await key in group { #expect(key == nil) }
        }
        #expect(queue.isShuttingDown)
        queue.add("y")
        queue.add("z", after: .seconds(1))
        queue.addRateLimited("w")
        #expect(queue.count == 0 && queue.delayedCount == 0)
        #expect(await queue.get() == nil)
    }

    @Test("shutDownWithDrain returns only when the keys in flight are done")
    func drain() async {
        let queue = makeQueue()
        queue.add("a")
        queue.add("b")
        #expect(await queue.get() == "a")
        #expect(await queue.get() == "b")
        let drained = Locked(false)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await queue.shutDownWithDrain()
                drained.withLock { $0 = true }
            }
            await eventually("shutdown started") { queue.isShuttingDown }
            #expect(await queue.get() == nil)
            queue.done("a")
            for _ in 0..<100 { await Task.yield() }
            #expect(!drained.value, "returned with b still in flight")
            queue.done("b")
            await group.waitForAll()
        }
        #expect(drained.value)
    }

    @Test("shutDown ends a shutDownWithDrain that is still waiting")
    func shutDownEndsDrain() async {
        let queue = makeQueue()
        queue.add("a")
        _ = await queue.get()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await queue.shutDownWithDrain() }
            await eventually("shutdown started") { queue.isShuttingDown }
            queue.shutDown()
            await group.waitForAll()
        }
        #expect(queue.processingCount == 1)
    }

    @Test("a cancelled get returns nil and leaves no waiter behind")
    func cancelledGet() async {
        let clock = ManualClock()
        let queue = makeQueue(clock: clock)
        queue.add("later", after: .seconds(5))
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await queue.get() }
            group.addTask { await queue.get() }
            await clock.waitForSleepers(count: 2)
            group.cancelAll()
            for await key in group { #expect(key == nil) }
        }
        #expect(queue.waitingConsumerCount == 0)
        #expect(clock.sleeperCount == 0)
        // The queue still works for the next worker.
        queue.add("now")
        #expect(await queue.get() == "now")
    }

    @Test("metrics: depth, adds, retries, queue and work durations, unfinished work")
    func metrics() async throws {
        let clock = ManualClock()
        let metrics = TestMetrics()
        let queue = makeQueue(clock: clock, metrics: metrics)
        let name = [("name", "test")]
        let depth = try metrics.expectGauge("workqueue_depth", name)
        let adds = try metrics.expectCounter("workqueue_adds_total", name)
        let retries = try metrics.expectCounter("workqueue_retries_total", name)
        let queueDuration = try metrics.expectTimer("workqueue_queue_duration_seconds", name)
        let workDuration = try metrics.expectTimer("workqueue_work_duration_seconds", name)
        let unfinished = try metrics.expectGauge("workqueue_unfinished_work_seconds", name)
        let longest = try metrics.expectGauge("workqueue_longest_running_processor_seconds", name)

        #expect(depth.lastValue == 0)
        queue.add("a")
        queue.add("a")
        queue.add("b")
        #expect(adds.totalValue == 2)
        #expect(depth.lastValue == 2)

        clock.advance(by: .seconds(2))
        #expect(await queue.get() == "a")
        #expect(queueDuration.lastValue == 2_000_000_000)
        #expect(depth.lastValue == 1)
        clock.advance(by: .seconds(3))
        #expect(await queue.get() == "b")
        #expect(queueDuration.values == [2_000_000_000, 5_000_000_000])
        // a has run 3 s, b just started.
        #expect(unfinished.lastValue == 3)
        #expect(longest.lastValue == 3)

        clock.advance(by: .seconds(1))
        queue.done("a")
        #expect(workDuration.lastValue == 4_000_000_000)
        #expect(unfinished.lastValue == 1)

        queue.add("c", after: .seconds(1))
        queue.addRateLimited("d")
        #expect(retries.totalValue == 2)
        #expect(adds.totalValue == 2)  // delayed keys count as adds when they fall due
        clock.advance(by: .seconds(1))
        #expect(queue.count == 2)
        #expect(adds.totalValue == 4)
        #expect(depth.lastValue == 2)

        // The periodic reporter shows a worker that is stuck on b.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await queue.reportUnfinishedWork(every: .milliseconds(500)) }
            await clock.waitForSleepers(count: 1)
            #expect(longest.lastValue == 2)
            clock.advance(by: .milliseconds(500))
            await eventually("gauge refreshed") { longest.lastValue == 2.5 }
            queue.shutDown()
            queue.done("b")
            clock.advance(by: .milliseconds(500))
            await group.waitForAll()
        }
        #expect(unfinished.lastValue == 0)
        #expect(depth.lastValue == 0)
    }

    @Test("queues with different names report separately")
    func metricLabels() throws {
        let metrics = TestMetrics()
        let first = WorkQueue<String, ManualClock>(name: "pools", clock: ManualClock(), metricsFactory: metrics)
        let second = WorkQueue<String, ManualClock>(name: "claims", clock: ManualClock(), metricsFactory: metrics)
        first.add("a")
        second.add("a")
        second.add("b")
        #expect(try metrics.expectCounter("workqueue_adds_total", [("name", "pools")]).totalValue == 1)
        #expect(try metrics.expectCounter("workqueue_adds_total", [("name", "claims")]).totalValue == 2)
    }
}
