import DequeModule

/// The decisions of a ``WorkQueue``, with time passed in: no clock, no locks, no waiting.
///
/// Sets, as client-go's `workqueue.Type`:
///
/// ```
///            add                     next                    done
///   ──────▶ dirty ──(not processing)──▶ queue ──────▶ processing ──────▶ (gone)
///   add(after:)  ▲                                       │   │
///   ──▶ delayed ─┘ (when due)      dirty again meanwhile └───┘ queued again on done
/// ```
///
/// - `dirty`: keys that need processing, with the instant they were first added (for the
///   queue-duration metric). A key added while dirty is coalesced.
/// - `queue`: dirty keys not being processed, in FIFO order; what ``next(now:)`` hands out.
/// - `processing`: keys handed out and not yet ``done(_:now:)``, with their start instants. A key
///   is never in `queue` while processing; a key re-added meanwhile stays only in `dirty` and is
///   queued by `done`.
/// - `delayed`: keys waiting for a time (``DelayedItems``); they become dirty when due.
///
/// Every method returns what the caller must do (wake a waiter, report a metric); instants may
/// arrive slightly out of order from concurrent callers and durations are clamped at zero.
struct WorkQueueStateMachine<Key: Hashable & Sendable, Instant: InstantProtocol>: Sendable
where Instant.Duration == Duration {
    /// What an add did.
    enum AddOutcome: Equatable, Sendable {
        /// The queue is shutting down; the key was dropped.
        case rejected
        /// The key was already waiting to be processed; nothing changed.
        case coalesced
        /// The key is being processed; it is queued again when that is done.
        case deferred
        /// The key is ready: wake one waiting consumer.
        case queued
        /// The key waits for a time; `wakesWaiter` when that time is now the earliest (a waiting
        /// consumer must re-arm its timer).
        case scheduled(wakesWaiter: Bool)

        /// Whether a waiting consumer must be woken.
        var wakesWaiter: Bool {
            switch self {
            case .queued, .scheduled(wakesWaiter: true): return true
            case .rejected, .coalesced, .deferred, .scheduled(wakesWaiter: false): return false
            }
        }
    }

    /// What a consumer asking for work must do.
    enum NextAction: Equatable, Sendable {
        /// Process `key`; it waited `queuedFor` since it was added. Wake another consumer when
        /// `wakeAnother` (more work is queued or scheduled, so someone must watch it).
        case process(Key, queuedFor: Duration, wakeAnother: Bool)
        /// Nothing is ready: wait until woken, or until `until` when a delayed key falls due.
        case wait(until: Instant?)
        /// The queue is shut down: stop.
        case finished
    }

    /// What `done` did.
    struct DoneOutcome: Equatable, Sendable {
        /// How long the key was processed; `nil` when it was not being processed.
        var workDuration: Duration?
        /// The key was dirty again and is queued: wake one waiting consumer.
        var requeued: Bool
        /// Shutting down with drain and nothing is being processed any more.
        var drained: Bool
    }

    /// Lifecycle: running → shutting down (with or without drain). There is no way back.
    enum Lifecycle: Equatable, Sendable {
        case running
        case shuttingDown(drain: Bool)
    }

    private var queue: Deque<Key> = []
    private var dirty: [Key: Instant] = [:]
    private var processing: [Key: Instant] = [:]
    private var delayed = DelayedItems<Key, Instant>()
    private(set) var lifecycle: Lifecycle = .running
    /// Keys that became work so far, ever (`workqueue_adds_total`): coalesced adds do not count;
    /// a delayed key counts when it falls due.
    private(set) var addCount = 0

    init() {}

    /// Keys waiting to be processed (queued, or dirty while processing): `workqueue_depth`.
    var depth: Int { dirty.count }
    /// Keys ready to be handed out now.
    var readyCount: Int { queue.count }
    /// Keys being processed.
    var processingCount: Int { processing.count }
    /// Keys waiting for a time.
    var delayedCount: Int { delayed.count }
    var isShuttingDown: Bool { lifecycle != .running }
    /// Shutting down and nothing is being processed.
    var isDrained: Bool { isShuttingDown && processing.isEmpty }

    func isProcessing(_ key: Key) -> Bool { processing[key] != nil }
    func isDirty(_ key: Key) -> Bool { dirty[key] != nil }
    /// When `key` falls due, if it waits for a time.
    func scheduledTime(of key: Key) -> Instant? { delayed.readyAt(key) }

    // MARK: Adding

    /// Marks `key` as needing processing at `now`.
    mutating func add(_ key: Key, now: Instant) -> AddOutcome {
        guard !isShuttingDown else { return .rejected }
        promoteDueItems(now: now)
        return insert(key, at: now)
    }

    /// Marks `key` as needing processing once `delay` has passed since `now`.
    ///
    /// A zero or negative delay is an immediate ``add(_:now:)``. A key already waiting keeps
    /// the earlier of its two times. A key that is already dirty is still scheduled: processing
    /// it now does not cancel the requested retry (as in client-go).
    mutating func add(_ key: Key, after delay: Duration, now: Instant) -> AddOutcome {
        guard !isShuttingDown else { return .rejected }
        guard delay > .zero else { return add(key, now: now) }
        // Keys due by now are ready, not waiting: a new time for one of them is a new wait.
        promoteDueItems(now: now)
        let previousEarliest = delayed.earliest
        let readyAt = now.advanced(by: delay)
        guard delayed.schedule(key, at: readyAt) else { return .scheduled(wakesWaiter: false) }
        let isEarliest = previousEarliest.map { readyAt < $0 } ?? true
        return .scheduled(wakesWaiter: isEarliest)
    }

    /// Moves every delayed key due at `now` into the queue, as if added when it fell due.
    ///
    /// Every entry point that takes `now` does this first, so the result is the same as if keys
    /// were moved the instant they fell due.
    mutating func promoteDueItems(now: Instant) {
        while let (key, readyAt) = delayed.popDue(at: now) {
            _ = insert(key, at: readyAt)
        }
    }

    private mutating func insert(_ key: Key, at now: Instant) -> AddOutcome {
        guard dirty[key] == nil else { return .coalesced }
        dirty[key] = now
        addCount += 1
        guard processing[key] == nil else { return .deferred }
        queue.append(key)
        return .queued
    }

    // MARK: Consuming

    /// The next key to process at `now`, after promoting due delayed keys.
    mutating func next(now: Instant) -> NextAction {
        guard !isShuttingDown else { return .finished }
        promoteDueItems(now: now)
        guard let key = queue.popFirst() else {
            return .wait(until: delayed.earliest)
        }
        let addedAt = dirty.removeValue(forKey: key) ?? now
        processing[key] = now
        let wakeAnother = !queue.isEmpty || !delayed.isEmpty
        return .process(key, queuedFor: Self.elapsed(from: addedAt, to: now), wakeAnother: wakeAnother)
    }

    /// Marks `key` as processed at `now`; queues it again if it was added meanwhile.
    mutating func done(_ key: Key, now: Instant) -> DoneOutcome {
        guard let startedAt = processing.removeValue(forKey: key) else {
            return DoneOutcome(workDuration: nil, requeued: false, drained: isDrained)
        }
        var requeued = false
        if !isShuttingDown, dirty[key] != nil {
            queue.append(key)
            requeued = true
        }
        return DoneOutcome(
            workDuration: Self.elapsed(from: startedAt, to: now), requeued: requeued, drained: isDrained)
    }

    // MARK: Shutting down

    /// Stops handing out keys: queued, dirty and delayed keys are dropped, adds are rejected.
    /// With `drain`, the caller waits until ``isDrained``. Returns whether this call started the
    /// shutdown (waiting consumers must then be woken to see it).
    ///
    /// A later call may turn a draining shutdown into an immediate one, never the reverse.
    mutating func shutDown(drain: Bool) -> Bool {
        let started = lifecycle == .running
        switch lifecycle {
        case .running: lifecycle = .shuttingDown(drain: drain)
        case .shuttingDown(drain: true) where !drain: lifecycle = .shuttingDown(drain: false)
        case .shuttingDown: break
        }
        queue.removeAll()
        dirty.removeAll()
        delayed.removeAll()
        return started
    }

    // MARK: Metrics

    /// Total and longest time the keys being processed at `now` have been at it:
    /// `workqueue_unfinished_work_seconds` and `workqueue_longest_running_processor_seconds`.
    func unfinishedWork(now: Instant) -> (total: Duration, longest: Duration) {
        var total = Duration.zero
        var longest = Duration.zero
        for startedAt in processing.values {
            let elapsed = Self.elapsed(from: startedAt, to: now)
            total += elapsed
            longest = max(longest, elapsed)
        }
        return (total, longest)
    }

    private static func elapsed(from start: Instant, to end: Instant) -> Duration {
        max(.zero, start.duration(to: end))
    }
}
