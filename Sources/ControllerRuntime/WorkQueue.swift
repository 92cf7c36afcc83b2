public import Metrics
import Synchronization

/// A de-duplicating, delaying, rate-limited queue of keys for controller workers — client-go's
/// rate-limiting work queue (`util/workqueue`), with async waiting.
///
/// ## Flow
/// Producers ``add(_:)`` keys (usually `namespace/name`) from watch events; workers loop:
///
/// ```swift
/// while let key = await queue.get() {
///     defer { queue.done(key) }
///     do {
///         switch try await reconcile(key) {
///         case .done: queue.forget(key)
///         case .requeue(let delay): queue.forget(key); queue.add(key, after: delay)
///         }
///     } catch {
///         queue.addRateLimited(key)   // per-key backoff, bounded overall
///     }
/// }
/// ```
///
/// ``shutDown()`` or ``shutDownWithDrain()`` make every `get()` return `nil`, ending the loops.
///
/// ## Guarantees
/// - A key is queued at most once: adding a key that is waiting already does nothing.
/// - A key is never handed to two workers at once. A key added while it is being processed is
///   handed out again after ``done(_:)`` — the change is never lost.
/// - Keys are handed out in the order they became ready (FIFO); delayed keys when their time
///   comes, earliest first. A key scheduled twice keeps the earlier time.
/// - ``addRateLimited(_:)`` waits the longer of the key's exponential backoff and the overall
///   token bucket (``MaxOfRateLimiter/controllerDefault()``: 5 ms doubling to 1000 s; 10 per
///   second, bursts of 100); ``forget(_:)`` resets the key's backoff.
/// - Waiting honours task cancellation: a cancelled `get()` returns `nil` and passes any wake-up
///   it received on to another worker.
/// - No unstructured tasks: a waiting `get()` sleeps on the injected clock until the earliest
///   delayed key is due, or until an add wakes it.
///
/// ## Caveats
/// - Unlike client-go, ``shutDown()`` drops the keys still queued or delayed (client-go hands
///   queued keys out until the queue is empty). Controllers are level-based: whoever runs next
///   lists everything again.
/// - Every worker must call ``done(_:)`` for every key it got, also on error; otherwise the key
///   is never handed out again and ``shutDownWithDrain()`` waits forever.
/// - Keys live in memory only; nothing survives a restart.
/// - `workqueue_unfinished_work_seconds` and `workqueue_longest_running_processor_seconds` are
///   updated on every `get`/`done`, and periodically only while ``reportUnfinishedWork(every:)``
///   runs.
public final class WorkQueue<Key: Hashable & Sendable, C: Clock>: Sendable where C.Duration == Duration {
    private struct State: ~Copyable {
        var machine = WorkQueueStateMachine<Key, C.Instant>()
        var rateLimiter: any WorkQueueRateLimiter<Key, C.Instant>
        /// Workers suspended in `get()`.
        var consumers = WaiterList()
        /// Callers suspended in `shutDownWithDrain()`.
        var drainers = WaiterList()
        /// `machine.addCount` as last reported to `workqueue_adds_total`.
        var reportedAdds = 0
    }

    private enum Waiters {
        case consumers, drainers
    }

    private enum GetStep {
        case process(Key, wake: CheckedContinuation<Bool, Never>?)
        case wait(WaiterList.ID, until: C.Instant?)
        case finished
    }

    /// The queue's name: the `name` label of its metrics.
    public let name: String
    private let clock: C
    private let state: Mutex<State>
    private let metrics: WorkQueueMetrics

    /// A queue named `name` whose delays run on `clock`.
    ///
    /// - Parameters:
    ///   - rateLimiter: decides ``addRateLimited(_:)`` delays; `nil` means
    ///     ``MaxOfRateLimiter/controllerDefault()``.
    ///   - metricsFactory: where the `workqueue_*` metrics go; `nil` means the global
    ///     `MetricsSystem.factory`.
    public init(
        name: String,
        clock: C,
        rateLimiter: (any WorkQueueRateLimiter<Key, C.Instant>)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.name = name
        self.clock = clock
        self.state = Mutex(State(rateLimiter: rateLimiter ?? MaxOfRateLimiter<Key, C.Instant>.controllerDefault()))
        self.metrics = WorkQueueMetrics(name: name, factory: metricsFactory ?? MetricsSystem.factory)
        metrics.depth.record(0)
    }

    // MARK: Adding

    /// Marks `key` as needing processing.
    ///
    /// Does nothing when `key` is already waiting, or when the queue is shutting down. A key being
    /// processed is handed out again after ``done(_:)``.
    public func add(_ key: Key) {
        let wake = state.withLock { state in
            record(state.machine.add(key, now: clock.now), in: &state)
        }
        wake?.resume(returning: true)
    }

    /// Marks `key` as needing processing once `delay` has passed (at once when it is not
    /// positive). Counts as a retry in `workqueue_retries_total`.
    ///
    /// A key already waiting for a time keeps the earlier of the two times.
    public func add(_ key: Key, after delay: Duration) {
        let wake = state.withLock { state in
            addAfter(key, delay, in: &state)
        }
        wake?.resume(returning: true)
    }

    /// Adds `key` after the delay its rate limiter decides, counting one more retry of it.
    public func addRateLimited(_ key: Key) {
        let wake: CheckedContinuation<Bool, Never>? = state.withLock { state in
            guard !state.machine.isShuttingDown else { return nil }
            let delay = state.rateLimiter.when(key, now: clock.now)
            return addAfter(key, delay, in: &state)
        }
        wake?.resume(returning: true)
    }

    /// Resets `key`'s backoff: call it when the key was processed successfully.
    ///
    /// It does not remove a key that is queued or scheduled.
    public func forget(_ key: Key) {
        state.withLock { $0.rateLimiter.forget(key) }
    }

    /// How many times `key` was rate-limited since it was last forgotten.
    public func numRequeues(_ key: Key) -> Int {
        state.withLock { $0.rateLimiter.numRequeues(key) }
    }

    // MARK: Consuming

    /// Waits for the next key to process; `nil` once the queue is shut down or the calling task is
    /// cancelled.
    ///
    /// The key is not handed to anyone else until ``done(_:)`` is called for it.
    public func get() async -> Key? {
        var consumedWakeUp = false
        while true {
            if Task.isCancelled {
                if consumedWakeUp { wakeOneConsumer() }
                return nil
            }
            let step = state.withLock { state -> GetStep in
                let now = clock.now
                let action = state.machine.next(now: now)
                reportAdds(&state)
                switch action {
                case .process(let key, let queuedFor, let wakeAnother):
                    metrics.queueDuration.record(duration: queuedFor)
                    metrics.depth.record(state.machine.depth)
                    recordUnfinishedWork(state.machine, now: now)
                    return .process(key, wake: wakeAnother ? state.consumers.signalOne() : nil)
                case .wait(let deadline):
                    return .wait(state.consumers.register(), until: deadline)
                case .finished:
                    return .finished
                }
            }
            switch step {
            case .process(let key, let wake):
                wake?.resume(returning: true)
                return key
            case .finished:
                return nil
            case .wait(let id, let deadline):
                consumedWakeUp = await waitForWakeUp(id, until: deadline)
            }
        }
    }

    /// Marks `key` as processed. If it was added meanwhile, it is queued again.
    public func done(_ key: Key) {
        let (wake, drained) = state.withLock { state in
            let now = clock.now
            let outcome = state.machine.done(key, now: now)
            if let workDuration = outcome.workDuration {
                metrics.workDuration.record(duration: workDuration)
                recordUnfinishedWork(state.machine, now: now)
            }
            let wake = outcome.requeued ? state.consumers.signalOne() : nil
            let drained = outcome.drained ? state.drainers.signalAll() : []
            return (wake, drained)
        }
        wake?.resume(returning: true)
        for continuation in drained { continuation.resume(returning: true) }
    }

    // MARK: Shutting down

    /// Stops handing out keys: every `get()` returns `nil` from now on, queued and delayed keys
    /// are dropped, and adds are ignored. Keys being processed may still be marked ``done(_:)``.
    ///
    /// Also ends a ``shutDownWithDrain()`` that is still waiting.
    public func shutDown() {
        let continuations = state.withLock { state in
            _ = state.machine.shutDown(drain: false)
            metrics.depth.record(0)
            return state.consumers.signalAll() + state.drainers.signalAll()
        }
        for continuation in continuations { continuation.resume(returning: true) }
    }

    /// Shuts down like ``shutDown()``, then waits until every key being processed is
    /// ``done(_:)``.
    ///
    /// Returns early when the calling task is cancelled or ``shutDown()`` is called meanwhile.
    public func shutDownWithDrain() async {
        let (consumers, drainer) = state.withLock { state -> ([CheckedContinuation<Bool, Never>], WaiterList.ID?) in
            _ = state.machine.shutDown(drain: true)
            metrics.depth.record(0)
            let consumers = state.consumers.signalAll()
            guard state.machine.lifecycle == .shuttingDown(drain: true), !state.machine.isDrained else {
                return (consumers, nil)
            }
            return (consumers, state.drainers.register())
        }
        for continuation in consumers { continuation.resume(returning: true) }
        if let drainer { _ = await suspend(drainer, in: .drainers) }
    }

    /// Whether ``shutDown()`` or ``shutDownWithDrain()`` was called.
    public var isShuttingDown: Bool {
        state.withLock { $0.machine.isShuttingDown }
    }

    // MARK: Inspecting

    /// Keys waiting to be processed (not counting delayed keys that are not due yet): for
    /// information and tests only — never gate `add` or `get` on it.
    public var count: Int {
        state.withLock { state in
            state.machine.promoteDueItems(now: clock.now)
            reportAdds(&state)
            return state.machine.depth
        }
    }

    /// Keys being processed now.
    public var processingCount: Int {
        state.withLock { $0.machine.processingCount }
    }

    /// Keys waiting for a time (``add(_:after:)``, ``addRateLimited(_:)``).
    public var delayedCount: Int {
        state.withLock { $0.machine.delayedCount }
    }

    /// Workers suspended in ``get()`` now.
    public var waitingConsumerCount: Int {
        state.withLock { $0.consumers.count }
    }

    /// Refreshes `workqueue_unfinished_work_seconds` and
    /// `workqueue_longest_running_processor_seconds` every `period` on the queue's clock, so a
    /// stuck worker shows up; returns when the calling task is cancelled or the queue has shut
    /// down and nothing is being processed (the gauges are then 0).
    ///
    /// Run it beside the workers, in the controller's task group.
    public func reportUnfinishedWork(every period: Duration = .milliseconds(500)) async {
        while true {
            let finished = state.withLock { state in
                recordUnfinishedWork(state.machine, now: clock.now)
                return state.machine.isDrained
            }
            if finished { return }
            do { try await clock.sleep(for: period) } catch { return }
        }
    }

    // MARK: Internals (called with the lock held)

    private func addAfter(_ key: Key, _ delay: Duration, in state: inout State) -> CheckedContinuation<Bool, Never>? {
        let outcome = state.machine.add(key, after: delay, now: clock.now)
        if outcome != .rejected { metrics.retries.increment() }
        return record(outcome, in: &state)
    }

    private func record(
        _ outcome: WorkQueueStateMachine<Key, C.Instant>.AddOutcome, in state: inout State
    )
        -> CheckedContinuation<Bool, Never>?
    {
        reportAdds(&state)
        return outcome.wakesWaiter ? state.consumers.signalOne() : nil
    }

    /// Reports keys that became work since the last report (adds, and delayed keys that fell
    /// due), and the depth they changed.
    private func reportAdds(_ state: inout State) {
        let added = state.machine.addCount - state.reportedAdds
        guard added > 0 else { return }
        state.reportedAdds = state.machine.addCount
        metrics.adds.increment(by: Int64(added))
        metrics.depth.record(state.machine.depth)
    }

    private func recordUnfinishedWork(_ machine: borrowing WorkQueueStateMachine<Key, C.Instant>, now: C.Instant) {
        let (total, longest) = machine.unfinishedWork(now: now)
        metrics.recordUnfinishedWork(total: total, longest: longest)
    }

    // MARK: Waiting

    private func wakeOneConsumer() {
        state.withLock { $0.consumers.signalOne() }?.resume(returning: true)
    }

    /// Suspends registered consumer `id` until it is woken or, with a deadline, until the clock
    /// reaches it. Returns whether it consumed a wake-up.
    private func waitForWakeUp(_ id: WaiterList.ID, until deadline: C.Instant?) async -> Bool {
        guard let deadline else { return await suspend(id, in: .consumers) }
        // Two children: the wake-up and the timer. The first to finish cancels the other; the
        // group returns only when both are done, so no sleeper or waiter outlives this call.
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.suspend(id, in: .consumers) }
            group.addTask {
                try? await self.clock.sleep(until: deadline, tolerance: nil)
                return false
            }
            var consumed = await group.next() ?? false
            group.cancelAll()
            while let result = await group.next() { consumed = consumed || result }
            return consumed
        }
    }

    /// Suspends registered waiter `id` of `list` until it is signalled (`true`) or the task is
    /// cancelled (`false`; a wake-up it had received but not consumed is passed on).
    private func suspend(_ id: WaiterList.ID, in list: Waiters) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate = state.withLock { state in
                    switch list {
                    case .consumers: state.consumers.attach(id, continuation)
                    case .drainers: state.drainers.attach(id, continuation)
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let (removed, passedOn) = state.withLock { state in
                switch list {
                case .consumers:
                    let removed = state.consumers.remove(id)
                    return (removed.continuation, removed.wasSignalled ? state.consumers.signalOne() : nil)
                case .drainers:
                    return (state.drainers.remove(id).continuation, nil)
                }
            }
            removed?.resume(returning: false)
            passedOn?.resume(returning: true)
        }
    }
}

extension WorkQueue where C == ContinuousClock {
    /// A queue named `name` on the continuous clock; see ``init(name:clock:rateLimiter:metricsFactory:)``.
    public convenience init(
        name: String,
        rateLimiter: (any WorkQueueRateLimiter<Key, ContinuousClock.Instant>)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.init(name: name, clock: ContinuousClock(), rateLimiter: rateLimiter, metricsFactory: metricsFactory)
    }
}
