public import Foundation
public import KubernetesClient
public import KubernetesCore
public import Logging
public import Metrics
public import ServiceLifecycle
import Synchronization

/// Records `events.k8s.io/v1` Events about objects, aggregating repetitions into series — the
/// broadcaster and recorder of client-go's `tools/events`, as one `Service`.
///
/// ```swift
/// let recorder = EventRecorder(
///     client: client, reportingController: "ipam.swift-ipam.io/controller", reportingInstance: podName)
/// // in the ServiceGroup beside the controllers: services: [recorder, …]
/// recorder.record(
///     regarding: ObjectReference(claim), type: .warning, reason: "PoolExhausted", action: "Allocate",
///     note: "no free address in pool \(pool)")
/// ```
///
/// ## Flow
/// 1. ``record(regarding:related:type:reason:action:note:)`` stamps the occurrence with the clock
///    and the wall clock and appends it to a bounded buffer (`bufferSize`; when full, the oldest
///    occurrence is dropped). It never waits, throws or does I/O.
/// 2. ``run()`` drains the buffer, oldest first. Occurrences are *isomorphic* when `regarding`
///    (its UID, or kind/namespace/name), `related`, `type`, `reason`, `action`, `note` and the
///    reporting controller are equal. The first of a kind creates an Event named
///    `<regarding name>.<hex suffix>` in the regarding object's namespace (`defaultNamespace` for
///    cluster-scoped objects), `eventTime` = when it was recorded.
/// 3. Isomorphic occurrences within 6 minutes of the previous one join its *series*: they raise
///    `series.count` and `series.lastObservedTime`, written with a JSON merge patch at most once
///    per 30 s heartbeat per series — a burst of a thousand makes one create and one patch. After
///    6 minutes without one the series is forgotten; the next occurrence creates a new Event.
/// 4. Failures: a patch answered 404 (the Event expired or was deleted) creates the Event again,
///    with the count so far; a create answered AlreadyExists is retried at once under a new name,
///    once. 5xx, 429 and connection errors are retried after 1 s, then 2 s (or the server's
///    `Retry-After`), then the write is given up; other errors give it up at once. Each failed
///    request is logged at debug and counted.
/// 5. On graceful shutdown (swift-service-lifecycle) the write in flight completes, then whatever
///    is pending — buffered occurrences, creates, unwritten counts — is written without waiting
///    for heartbeats, one attempt each, for at most `flushTimeout`; then `run` returns. On
///    cancellation it returns at once, without flushing.
///
/// Metrics: `events_recorded_total{type}`, `events_dropped_total{reason}` (occurrences:
/// `buffer_full`, `write_failed`, `evicted`, `shutdown`), `events_write_errors_total` (failed
/// requests).
///
/// ## Guarantees
/// - `record` never blocks on I/O, never suspends and never throws; memory is bounded (the buffer,
///   and at most 4096 series remembered, the least recently observed forgotten first).
/// - The recorder never wedges or hot-loops: it writes one request at a time, waits for records
///   or for the clock (no polling), a write failing with retryable errors is given up after three
///   attempts (a create may also be renamed once and a 404'd series recreated), and one series is
///   patched at most once per heartbeat.
/// - Occurrences of one series are counted in order; an Event's `series.count` on the server only
///   grows, unless the Event is recreated after a 404.
/// - No unstructured tasks: everything runs inside ``run()``.
///
/// ## Caveats — what is NOT guaranteed
/// - **Delivery.** Events are best effort: dropped when the buffer overflows, when writes keep
///   failing, when the flush runs out of time, and everything pending is lost on a crash or
///   cancellation. Never base a decision on Events.
/// - **Order across objects.** New Events are created in the order of their first occurrence (a
///   create waiting for its retry holds back the new series behind it), but counts reach the
///   server up to a heartbeat late and patches interleave with creates: the server's view is not
///   the order in which things happened across objects.
/// - **Throughput.** One write at a time: against a slow server the buffer overflows (and counts
///   it) rather than requests piling up.
/// - **Exact counts.** A patch that is given up leaves the server's count low until the series'
///   next occurrence; a recreated Event counts from the recorder's memory, not the server's.
/// - **Aggregation across recorders or restarts.** Series live in this recorder's memory only;
///   two replicas, or one restarted, create separate Events for the same happening.
/// - Nothing is validated: the server refuses (422) an empty `reason` or `action`, an invalid
///   `reportingController` or a `type` other than `Normal`/`Warning`; such Events are dropped.
/// - One writer: call ``run()`` once at a time (a second concurrent call returns at once).
public final class EventRecorder<C: Clock>: Service, Sendable where C.Duration == Duration {
    typealias Cache = EventSeriesCache<C.Instant>

    /// The API's limit on `note`, in UTF-8 bytes.
    static var maximumNoteBytes: Int { 1024 }

    private struct State {
        var cache: Cache
        /// The run loop, when it waits for work.
        var waiters = WaiterList()
        /// Whether a record should wake the waiting loop (it cannot use one while draining waits
        /// for a retry).
        var wakeOnRecord = false
        var isRunning = false
        var isShuttingDown = false
        /// Whether the loop is waiting, and until when (`nil`: for a record).
        var parked: C.Instant?? = nil
    }

    private enum Step {
        case write(Cache.Key, Cache.Write)
        case park(WaiterList.ID, until: C.Instant?)
        case stop
    }

    /// The `reportingController` of the Events written, e.g. `ipam.swift-ipam.io/controller`.
    public let reportingController: String
    /// The `reportingInstance` of the Events written, e.g. the Pod's name.
    public let reportingInstance: String
    /// Where Events about cluster-scoped objects go.
    public let defaultNamespace: String
    /// How long a graceful shutdown may spend writing what is pending.
    public let flushTimeout: Duration

    private let client: KubernetesClient
    private let clock: C
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let state: Mutex<State>

    private let metricsFactory: any MetricsFactory
    private let recordedNormal: Counter
    private let recordedWarning: Counter
    private let droppedBufferFull: Counter
    private let droppedWriteFailed: Counter
    private let droppedEvicted: Counter
    private let droppedShutdown: Counter
    private let writeErrors: Counter

    /// A recorder writing through `client`, timed by `clock`.
    ///
    /// - Parameters:
    ///   - reportingController: a qualified name such as `ipam.swift-ipam.io/controller`.
    ///   - reportingInstance: this replica, e.g. its Pod name.
    ///   - defaultNamespace: where Events about cluster-scoped objects are written.
    ///   - bufferSize: occurrences held before the oldest is dropped (at least 1).
    ///   - flushTimeout: how long a graceful shutdown may spend writing what is pending.
    ///   - wallClock: the time written to `eventTime` and `series.lastObservedTime` (never used for
    ///     decisions).
    ///   - metricsFactory: where the `events_*` metrics go; `nil` means the global
    ///     `MetricsSystem.factory`.
    public init(
        client: KubernetesClient,
        reportingController: String,
        reportingInstance: String,
        defaultNamespace: String = "default",
        bufferSize: Int = 1000,
        flushTimeout: Duration = .seconds(5),
        clock: C,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "swift-ipam.event-recorder"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.client = client
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.defaultNamespace = defaultNamespace
        self.flushTimeout = flushTimeout
        self.clock = clock
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "reporting-controller"] = "\(reportingController)"
        self.logger = logger
        var limits = Cache.Limits()
        limits.bufferSize = max(1, bufferSize)
        self.state = Mutex(
            State(
                cache: Cache(
                    limits: limits, defaultNamespace: defaultNamespace, reportingController: reportingController,
                    reportingInstance: reportingInstance)))
        let factory = metricsFactory ?? MetricsSystem.factory
        self.metricsFactory = factory
        recordedNormal = Counter(label: "events_recorded_total", dimensions: [("type", "Normal")], factory: factory)
        recordedWarning = Counter(label: "events_recorded_total", dimensions: [("type", "Warning")], factory: factory)
        func dropped(_ reason: String) -> Counter {
            Counter(label: "events_dropped_total", dimensions: [("reason", reason)], factory: factory)
        }
        droppedBufferFull = dropped("buffer_full")
        droppedWriteFailed = dropped("write_failed")
        droppedEvicted = dropped("evicted")
        droppedShutdown = dropped("shutdown")
        writeErrors = Counter(label: "events_write_errors_total", factory: factory)
    }

    // MARK: Recording

    /// Records that something of `type` happened to `regarding`: `action` (what was done or
    /// failed, e.g. `Allocate`) for `reason` (why, e.g. `PoolExhausted`), described by `note`
    /// (truncated to the API's 1 KiB). `related` is a second object involved.
    ///
    /// Returns at once: the Event is written later by ``run()``, aggregated with isomorphic
    /// occurrences. When the buffer is full, the oldest buffered occurrence is dropped.
    public func record(
        regarding: ObjectReference,
        related: ObjectReference? = nil,
        type: Event.EventType,
        reason: String,
        action: String,
        note: String
    ) {
        let occurrence = Cache.Occurrence(
            regarding: regarding, related: related, type: type, reason: reason, action: action,
            note: Self.truncatedNote(note), observedAt: clock.now, observedTime: wallClock())
        let (overflowed, wake) = state.withLock { state -> (Bool, CheckedContinuation<Bool, Never>?) in
            let overflowed = state.cache.enqueue(occurrence)
            guard state.wakeOnRecord else { return (overflowed, nil) }
            state.wakeOnRecord = false
            state.parked = nil
            return (overflowed, state.waiters.signalOne())
        }
        wake?.resume(returning: true)
        recordedCounter(type).increment()
        if overflowed {
            droppedBufferFull.increment()
            logger.debug("event buffer full; dropped the oldest occurrence")
        }
    }

    // MARK: Running

    /// Writes recorded Events until the task is cancelled or, after a graceful shutdown, until
    /// what was pending is flushed (see the type's Flow). Never throws.
    public func run() async throws {
        let started = state.withLock { state in
            guard !state.isRunning else { return false }
            state.isRunning = true
            state.isShuttingDown = false
            return true
        }
        guard started else {
            logger.debug("the event recorder is running already")
            return
        }
        defer { state.withLock { $0.isRunning = false } }
        await withGracefulShutdownHandler {
            await writeLoop()
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        guard !Task.isCancelled, state.withLock({ $0.isShuttingDown }) else { return }
        await flush()
    }

    // MARK: Inspecting (tests)

    /// Occurrences in the buffer.
    var pendingCount: Int {
        state.withLock { $0.cache.pendingCount }
    }

    /// Series remembered.
    var seriesCount: Int {
        state.withLock { $0.cache.seriesCount }
    }

    /// Until when the loop waits (`.some(nil)`: until a record), or `nil` when it is not waiting
    /// — writing, or woken and about to look again.
    var parkedUntil: C.Instant?? {
        state.withLock { $0.parked }
    }

    // MARK: The loop

    private func writeLoop() async {
        while !Task.isCancelled {
            var evicted = 0
            let step = state.withLock { state -> Step in
                guard !state.isShuttingDown else { return .stop }
                switch state.cache.nextAction(now: clock.now, evicted: &evicted) {
                case .write(let key, let write):
                    return .write(key, write)
                case .wait(let until, let wakeOnRecord):
                    state.wakeOnRecord = wakeOnRecord
                    state.parked = .some(until)
                    return .park(state.waiters.register(), until: until)
                }
            }
            reportEvicted(evicted)
            switch step {
            case .stop:
                return
            case .write(let key, let write):
                await perform(key, write)
            case .park(let id, let until):
                await park(id, until: until)
                state.withLock { state in
                    state.parked = nil
                    state.wakeOnRecord = false
                }
            }
        }
    }

    private func beginShutdown() {
        let waiters = state.withLock { state in
            state.isShuttingDown = true
            state.parked = nil
            return state.waiters.signalAll()
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Writes what is pending, one attempt each, for at most `flushTimeout`.
    private func flush() async {
        state.withLock { $0.cache.beginFlush() }
        logger.debug("flushing pending events")
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.flushWrites() }
            group.addTask { try? await self.clock.sleep(for: self.flushTimeout) }
            await group.next()
            group.cancelAll()
        }
        let lost = state.withLock { $0.cache.abandon() }
        if lost > 0 {
            droppedShutdown.increment(by: lost)
            logger.debug("flush ran out of time", metadata: ["dropped": "\(lost)"])
        }
    }

    private func flushWrites() async {
        while !Task.isCancelled {
            var evicted = 0
            let action = state.withLock { $0.cache.nextAction(now: clock.now, evicted: &evicted) }
            reportEvicted(evicted)
            guard case .write(let key, let write) = action else { return }
            await perform(key, write)
        }
    }

    // MARK: Writing

    private func perform(_ key: Cache.Key, _ write: Cache.Write) async {
        let error: KubernetesError
        do {
            try await send(write)
            state.withLock { $0.cache.writeSucceeded(key, now: clock.now) }
            return
        } catch let failure {
            error = failure
        }
        if Task.isCancelled {
            state.withLock { $0.cache.writeInterrupted(key) }
            return
        }
        if case .decoding = error.kind {
            // The server accepted the write; only its answer was unexpected.
            logger.debug("unexpected answer to an event write", metadata: ["error": "\(error)"])
            state.withLock { $0.cache.writeSucceeded(key, now: clock.now) }
            return
        }
        writeErrors.increment()
        let outcome = state.withLock { $0.cache.writeFailed(key, Self.classify(error), now: clock.now) }
        var metadata: Logger.Metadata = ["error": "\(error)"]
        switch outcome {
        case .retrying(let delay):
            metadata["retry-after"] = "\(delay)"
            logger.debug("event write failed; retrying", metadata: metadata)
        case .recreating:
            logger.debug("event of a series is gone; creating it again", metadata: metadata)
        case .renamed(let name):
            metadata["name"] = "\(name)"
            logger.debug("event name taken; creating under a new name", metadata: metadata)
        case .dropped(let occurrences):
            metadata["dropped"] = "\(occurrences)"
            logger.debug("event write failed; giving up", metadata: metadata)
            if occurrences > 0 { droppedWriteFailed.increment(by: occurrences) }
        }
    }

    private func send(_ write: Cache.Write) async throws(KubernetesError) {
        switch write {
        case .create(let event):
            _ = try await client.resource(Event.self, namespace: event.metadata.namespace).create(event)
        case .patch(let namespace, let name, let series):
            let body: JSONBody
            do {
                body = try JSONBody(encoding: ["series": series])
            } catch {
                throw KubernetesError(.invalidRequest(.encodingFailed("\(error)")), request: "PATCH events")
            }
            _ = try await client.resource(Event.self, namespace: namespace).patch(name, .merge(body))
        }
    }

    /// What a failed write means for the series.
    static func classify(_ error: KubernetesError) -> Cache.Failure {
        if error.isNotFound { return .notFound }
        if error.isAlreadyExists { return .alreadyExists }
        if error.isServerError || error.isTooManyRequests || error.isTransport {
            return .retryable(retryAfter: error.retryAfter)
        }
        if case .credentials = error.kind { return .retryable(retryAfter: nil) }
        return .permanent
    }

    // MARK: Waiting

    /// Suspends registered waiter `id` until a record or shutdown wakes it, or until `deadline`.
    private func park(_ id: WaiterList.ID, until deadline: C.Instant?) async {
        guard let deadline else {
            _ = await suspend(id)
            return
        }
        // The wake-up and the timer; the first to end cancels the other, and the group returns only
        // when both have, so no waiter or sleeper outlives this call.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await self.suspend(id) }
            group.addTask { try? await self.clock.sleep(until: deadline, tolerance: nil) }
            await group.next()
            group.cancelAll()
        }
    }

    private func suspend(_ id: WaiterList.ID) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate = state.withLock { $0.waiters.attach(id, continuation) }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.remove(id).continuation }?.resume(returning: false)
        }
    }

    // MARK: Helpers

    private func recordedCounter(_ type: Event.EventType) -> Counter {
        switch type {
        case .normal: recordedNormal
        case .warning: recordedWarning
        default:
            Counter(label: "events_recorded_total", dimensions: [("type", type.rawValue)], factory: metricsFactory)
        }
    }

    private func reportEvicted(_ occurrences: Int) {
        guard occurrences > 0 else { return }
        droppedEvicted.increment(by: occurrences)
        logger.debug("forgot event series to stay within bounds", metadata: ["dropped": "\(occurrences)"])
    }

    /// `note` cut to the API's limit of 1024 UTF-8 bytes at a character boundary, ending in `...`
    /// when cut.
    static func truncatedNote(_ note: String) -> String {
        guard note.utf8.count > maximumNoteBytes else { return note }
        let marker = "..."
        var kept = ""
        var bytes = 0
        for character in note {
            let size = character.utf8.count
            guard bytes + size <= maximumNoteBytes - marker.utf8.count else { break }
            kept.append(character)
            bytes += size
        }
        return kept + marker
    }
}

extension EventRecorder where C == ContinuousClock {
    /// A recorder on the continuous clock; see
    /// ``init(client:reportingController:reportingInstance:defaultNamespace:bufferSize:flushTimeout:clock:wallClock:logger:metricsFactory:)``.
    public convenience init(
        client: KubernetesClient,
        reportingController: String,
        reportingInstance: String,
        defaultNamespace: String = "default",
        bufferSize: Int = 1000,
        flushTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "swift-ipam.event-recorder"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.init(
            client: client, reportingController: reportingController, reportingInstance: reportingInstance,
            defaultNamespace: defaultNamespace, bufferSize: bufferSize, flushTimeout: flushTimeout,
            clock: ContinuousClock(), logger: logger, metricsFactory: metricsFactory)
    }
}
