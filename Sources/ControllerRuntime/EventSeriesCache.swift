import DequeModule
import Foundation
import KubernetesCore

/// The decisions of an ``EventRecorder``, without I/O: the bounded buffer of occurrences not yet
/// looked at, the series of isomorphic occurrences seen in the last six minutes, and which write to
/// make next. The recorder keeps one in its lock, performs the writes it asks for and reports back.
///
/// ```
///  record ──▶ pending (FIFO, bounded: full → drop oldest)
///                │ drain: isomorphic to a live series? ──yes──▶ count += 1 (dirty) ──▶ PATCH series
///                │                                                  at last write + heartbeat
///                └──no──▶ new series ──▶ POST Event ──404 on PATCH──▶ POST again (recreate)
///                          (draining stops while a new series waits for its POST)
/// ```
///
/// Why draining stops at a series that waits for its create: it keeps the buffer the only place
/// where unwritten occurrences pile up, so ``Limits/bufferSize`` bounds them, while occurrences of
/// series that exist still aggregate without I/O. One writer: at most one write is in flight, and
/// nothing but the recorder's single loop calls the deciding methods.
struct EventSeriesCache<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// One call of ``EventRecorder/record(regarding:related:type:reason:action:note:)``.
    struct Occurrence: Sendable {
        var regarding: ObjectReference
        var related: ObjectReference?
        var type: Event.EventType
        var reason: String
        var action: String
        /// Already truncated to the API's limit.
        var note: String
        /// When it was recorded, on the recorder's clock (series timing).
        var observedAt: Instant
        /// When it was recorded, on the wall clock (the Event's timestamps).
        var observedTime: Date
    }

    /// What makes occurrences isomorphic (client-go `getKey`). The reporting controller is the
    /// recorder's own and the same for all of them, so it is not repeated here.
    struct Key: Hashable, Sendable {
        var regarding: ReferenceKey
        var related: ReferenceKey?
        var type: String
        var reason: String
        var action: String
        var note: String

        init(_ occurrence: Occurrence) {
            regarding = ReferenceKey(occurrence.regarding)
            related = occurrence.related.map(ReferenceKey.init)
            type = occurrence.type.rawValue
            reason = occurrence.reason
            action = occurrence.action
            note = occurrence.note
        }
    }

    /// An object's identity for aggregation: its UID when known, else kind/namespace/name; the
    /// field path distinguishes parts of one object. The resourceVersion is left out on purpose:
    /// an object that changes keeps its series.
    enum ReferenceKey: Hashable, Sendable {
        case uid(String, fieldPath: String?)
        case name(kind: String, namespace: String, name: String, fieldPath: String?)

        init(_ reference: ObjectReference) {
            if let uid = reference.uid, !uid.isEmpty {
                self = .uid(uid, fieldPath: reference.fieldPath)
            } else {
                self = .name(
                    kind: reference.kind ?? "", namespace: reference.namespace ?? "", name: reference.name ?? "",
                    fieldPath: reference.fieldPath)
            }
        }
    }

    /// Bounds and periods; the defaults are client-go's where it has one.
    struct Limits: Sendable {
        /// Occurrences waiting to be looked at.
        var bufferSize = 1000
        /// Series remembered at once; at the limit the least recently observed are forgotten, an
        /// eighth of the limit at a time.
        var maximumSeries = 4096
        /// A series' count is written at most once per heartbeat.
        var heartbeat: Duration = .seconds(30)
        /// A series without an occurrence for this long is forgotten.
        var window: Duration = .seconds(360)
        /// Attempts of one write that fails with a retryable error, the first included.
        var maximumAttempts = 3
        /// Delay before the second attempt; doubled for each later one, and at least the server's
        /// `Retry-After`.
        var retryDelay: Duration = .seconds(1)
        /// Longest delay between attempts.
        var maximumRetryDelay: Duration = .seconds(30)
    }

    /// A write to make.
    enum Write: Equatable, Sendable {
        /// POST the Event (its namespace and name are set; `series` when it has recurred).
        case create(Event)
        /// Merge-patch the series of the Event `namespace/name`.
        case patch(namespace: String, name: String, series: Event.Series)
    }

    enum Action: Equatable, Sendable {
        case write(Key, Write)
        /// Nothing to write now. Something may become due at `until`; `wakeOnRecord` says whether a
        /// new occurrence could be handled before that (it cannot while draining is blocked).
        case wait(until: Instant?, wakeOnRecord: Bool)
    }

    /// Why a write failed, as far as the recorder cares.
    enum Failure: Equatable, Sendable {
        case notFound
        case alreadyExists
        /// Worth another attempt (5xx, 429, no response); with the server's `Retry-After`.
        case retryable(retryAfter: Duration?)
        /// Another attempt would fail the same way (invalid, forbidden, …).
        case permanent
    }

    /// What was done about a failed write.
    enum FailureOutcome: Equatable, Sendable {
        /// Tried again once `after` has passed.
        case retrying(after: Duration)
        /// The series' Event is gone from the server: it is created again.
        case recreating
        /// The name was taken: created again at once under a new name.
        case renamed(String)
        /// Given up; `occurrences` did not reach the server.
        case dropped(occurrences: Int)
    }

    /// A series: isomorphic occurrences aggregated into one Event.
    private struct Series {
        /// The Event as created (without `series`).
        var event: Event
        /// Occurrences so far.
        var count: Int32
        /// The count the server has; 0 while the Event is not created.
        var writtenCount: Int32 = 0
        /// The count carried by the write in flight.
        var inFlightCount: Int32 = 0
        var lastObservedAt: Instant
        var lastObservedTime: Date
        var lastWriteAt: Instant?
        /// Failed attempts of the pending write.
        var attempts = 0
        var retryAt: Instant?
        /// Whether the create was already retried under a new name.
        var renamed = false

        var isCreated: Bool { writtenCount > 0 }
        var isDirty: Bool { isCreated && count > writtenCount }
        var unwritten: Int { Int(count) - Int(writtenCount) }

        var apiSeries: Event.Series? {
            count >= 2 ? Event.Series(count: count, lastObservedTime: lastObservedTime) : nil
        }
    }

    let limits: Limits
    /// The default namespace, for occurrences regarding cluster-scoped objects.
    let defaultNamespace: String
    let reportingController: String
    let reportingInstance: String

    private var pending: Deque<Occurrence> = []
    private var series: [Key: Series] = [:]
    /// Series whose Event is to be created, in order; draining waits while it is not empty.
    private var creates: Deque<Key> = []
    /// Created series with a count the server does not have yet.
    private var dirty: Set<Key> = []
    private var inFlight: Key?
    private var flushing = false
    /// The last name suffix handed out; suffixes only grow, so names never repeat.
    private var lastSuffix: UInt64 = 0
    private var nextPurgeAt: Instant?

    init(limits: Limits, defaultNamespace: String, reportingController: String, reportingInstance: String) {
        self.limits = limits
        self.defaultNamespace = defaultNamespace
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
    }

    // MARK: Inspecting

    /// Occurrences in the buffer.
    var pendingCount: Int { pending.count }
    /// Series remembered.
    var seriesCount: Int { series.count }
    /// Whether everything seen has been written (or given up).
    var isSettled: Bool { pending.isEmpty && creates.isEmpty && dirty.isEmpty && inFlight == nil }

    // MARK: Recording

    /// Buffers `occurrence`; when the buffer is full the oldest occurrence is dropped first, and
    /// `true` returned.
    mutating func enqueue(_ occurrence: Occurrence) -> Bool {
        var dropped = false
        if pending.count >= max(1, limits.bufferSize) {
            pending.removeFirst()
            dropped = true
        }
        pending.append(occurrence)
        return dropped
    }

    // MARK: Deciding

    /// The next write, or how long to wait. Evictions it makes to stay within
    /// ``Limits/maximumSeries`` are reported in `evicted` (occurrences not written).
    mutating func nextAction(now: Instant, evicted: inout Int) -> Action {
        assert(inFlight == nil, "one write at a time")
        purgeIfDue(now: now)
        drain(now: now, evicted: &evicted)

        var deadline: Instant?
        func consider(_ instant: Instant) {
            deadline = deadline.map { min($0, instant) } ?? instant
        }
        while let key = creates.first, series[key] == nil { creates.removeFirst() }
        if let key = creates.first, let entry = series[key] {
            if flushing || entry.retryAt.map({ $0 <= now }) ?? true {
                return start(key, .create(createBody(entry)))
            }
            if let retryAt = entry.retryAt { consider(retryAt) }
        }
        // The most overdue patch first; `nil` is "due since ever".
        var due: (key: Key, at: Instant?)?
        for key in dirty {
            guard let entry = series[key] else { continue }
            let at = flushing ? nil : dueTime(entry)
            if let at, at > now {
                consider(at)
                continue
            }
            if let current = due, !Self.isEarlier(at, than: current.at) { continue }
            due = (key, at)
        }
        if let due, let entry = series[due.key], let name = entry.event.metadata.name {
            let namespace = entry.event.metadata.namespace ?? defaultNamespace
            let patch = Event.Series(count: entry.count, lastObservedTime: entry.lastObservedTime)
            return start(due.key, .patch(namespace: namespace, name: name, series: patch))
        }
        return .wait(until: deadline, wakeOnRecord: pending.isEmpty)
    }

    /// From now on: write without waiting for heartbeats or backoffs, and give up a write at its
    /// first failure (graceful shutdown).
    mutating func beginFlush() {
        flushing = true
    }

    /// Ends a flush: forgets everything not written (the flush ran out of time) and returns how
    /// many occurrences that was.
    mutating func abandon() -> Int {
        var lost = pending.count
        for key in Set(creates).union(dirty) {
            lost += series[key]?.unwritten ?? 0
        }
        pending.removeAll()
        creates.removeAll()
        dirty.removeAll()
        inFlight = nil
        flushing = false
        return lost
    }

    // MARK: Outcomes

    /// The write for `key` succeeded at `now`.
    mutating func writeSucceeded(_ key: Key, now: Instant) {
        finish(key)
        guard var entry = series[key] else { return }
        entry.writtenCount = max(entry.writtenCount, entry.inFlightCount)
        entry.lastWriteAt = now
        entry.attempts = 0
        entry.retryAt = nil
        entry.renamed = false
        series[key] = entry
        creates.removeAll { $0 == key }
        updateDirty(key, entry)
    }

    /// The write for `key` was cut short (the task was cancelled): nothing is known about it; it
    /// is decided again by the next ``nextAction(now:evicted:)``.
    mutating func writeInterrupted(_ key: Key) {
        finish(key)
    }

    /// The write for `key` failed at `now` with `failure`.
    mutating func writeFailed(_ key: Key, _ failure: Failure, now: Instant) -> FailureOutcome {
        finish(key)
        guard var entry = series[key] else { return .dropped(occurrences: 0) }
        let wasCreate = !entry.isCreated
        switch failure {
        case .notFound where !wasCreate:
            // The Event expired or was deleted: create it again, with the series so far.
            entry.writtenCount = 0
            entry.attempts = 0
            entry.retryAt = nil
            series[key] = entry
            dirty.remove(key)
            creates.removeAll { $0 == key }
            creates.prepend(key)
            return .recreating
        case .alreadyExists where wasCreate && !entry.renamed:
            entry.renamed = true
            entry.event.metadata.name = makeName(regarding: entry.event.regarding, at: entry.lastObservedTime)
            series[key] = entry
            return .renamed(entry.event.metadata.name ?? "")
        case .retryable(let retryAfter) where !flushing && entry.attempts + 1 < limits.maximumAttempts:
            entry.attempts += 1
            let backoff = limits.retryDelay * (1 << min(entry.attempts - 1, 30))
            let delay = min(max(backoff, retryAfter ?? .zero), limits.maximumRetryDelay)
            entry.retryAt = now.advanced(by: delay)
            series[key] = entry
            return .retrying(after: delay)
        case .notFound, .alreadyExists, .retryable, .permanent:
            return giveUp(key, entry, now: now)
        }
    }

    // MARK: Internals

    private mutating func start(_ key: Key, _ write: Write) -> Action {
        inFlight = key
        if let count = series[key]?.count { series[key]?.inFlightCount = count }
        return .write(key, write)
    }

    private mutating func finish(_ key: Key) {
        if inFlight == key { inFlight = nil }
    }

    private mutating func giveUp(_ key: Key, _ entry: Series, now: Instant) -> FailureOutcome {
        let lost = entry.unwritten
        if entry.isCreated {
            // Keep the series: a later occurrence patches the full count again.
            var entry = entry
            entry.writtenCount = entry.count
            entry.lastWriteAt = now
            entry.attempts = 0
            entry.retryAt = nil
            series[key] = entry
            dirty.remove(key)
        } else {
            series[key] = nil
            creates.removeAll { $0 == key }
            dirty.remove(key)
        }
        return .dropped(occurrences: lost)
    }

    /// Orders due times, `nil` ("due since ever") first.
    private static func isEarlier(_ a: Instant?, than b: Instant?) -> Bool {
        switch (a, b) {
        case (nil, nil), (.some, nil): false
        case (nil, .some): true
        case (let a?, let b?): a < b
        }
    }

    private func dueTime(_ entry: Series) -> Instant? {
        let heartbeat = entry.lastWriteAt.map { $0.advanced(by: limits.heartbeat) }
        switch (heartbeat, entry.retryAt) {
        case (let a?, let b?): return max(a, b)
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    private mutating func updateDirty(_ key: Key, _ entry: Series) {
        if entry.isDirty { dirty.insert(key) } else { dirty.remove(key) }
    }

    /// Moves buffered occurrences into series, oldest first, until one needs a new series while
    /// another waits for its create.
    private mutating func drain(now: Instant, evicted: inout Int) {
        while let occurrence = pending.first {
            let key = Key(occurrence)
            if var entry = series[key],
                entry.lastObservedAt.duration(to: occurrence.observedAt) <= limits.window
            {
                if entry.count < Int32.max { entry.count += 1 }
                if occurrence.observedAt > entry.lastObservedAt { entry.lastObservedAt = occurrence.observedAt }
                if occurrence.observedTime > entry.lastObservedTime { entry.lastObservedTime = occurrence.observedTime }
                series[key] = entry
                updateDirty(key, entry)
                pending.removeFirst()
                continue
            }
            guard creates.isEmpty else { return }
            if let stale = series.removeValue(forKey: key) {
                // Forgotten after the window; anything unwritten of it is lost.
                dirty.remove(key)
                evicted += stale.unwritten
            }
            if series.count >= limits.maximumSeries { evicted += makeRoom(now: now) }
            series[key] = Series(
                event: makeEvent(occurrence), count: 1, lastObservedAt: occurrence.observedAt,
                lastObservedTime: occurrence.observedTime)
            creates.append(key)
            pending.removeFirst()
        }
    }

    private mutating func purgeIfDue(now: Instant) {
        if let next = nextPurgeAt, now < next { return }
        nextPurgeAt = now.advanced(by: limits.heartbeat)
        purge(now: now)
    }

    /// Forgets series without an occurrence for the window that have nothing left to write.
    private mutating func purge(now: Instant) {
        series = series.filter { key, entry in
            entry.lastObservedAt.duration(to: now) <= limits.window || dirty.contains(key)
                || creates.contains(key) || inFlight == key
        }
    }

    /// Makes room for new series once the limit is reached: forgets the expired series, then the
    /// least recently observed ones (those with nothing to write first) until an eighth of the
    /// limit is free. Returns the occurrences lost with them.
    ///
    /// Why an eighth and not one: finding the least recently observed takes a pass over every
    /// series. One pass per new series made a busy recorder at the limit spend most of its time
    /// here; one pass per eighth of the limit costs a few comparisons per new series.
    private mutating func makeRoom(now: Instant) -> Int {
        purge(now: now)
        let target = limits.maximumSeries - max(1, limits.maximumSeries / 8)
        guard series.count > target else { return 0 }
        let victims = series.compactMap { key, entry -> (key: Key, isDirty: Bool, lastObservedAt: Instant)? in
            creates.contains(key) || inFlight == key ? nil : (key, dirty.contains(key), entry.lastObservedAt)
        }
        .sorted { a, b in a.isDirty != b.isDirty ? !a.isDirty : a.lastObservedAt < b.lastObservedAt }
        .prefix(series.count - target)
        var lost = 0
        for victim in victims {
            lost += series.removeValue(forKey: victim.key)?.unwritten ?? 0
            dirty.remove(victim.key)
        }
        return lost
    }

    private func createBody(_ entry: Series) -> Event {
        var event = entry.event
        event.series = entry.apiSeries
        return event
    }

    private mutating func makeEvent(_ occurrence: Occurrence) -> Event {
        let namespace = occurrence.regarding.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? defaultNamespace
        return Event(
            metadata: ObjectMeta(
                name: makeName(regarding: occurrence.regarding, at: occurrence.observedTime), namespace: namespace),
            eventTime: occurrence.observedTime, reportingController: reportingController,
            reportingInstance: reportingInstance, action: occurrence.action, reason: occurrence.reason,
            regarding: occurrence.regarding, related: occurrence.related, note: occurrence.note,
            type: occurrence.type)
    }

    /// `<regarding name>.<hex>` as client-go names Events, the hex being the wall-clock time in
    /// nanoseconds — or one more than the last suffix, so that names from one recorder never repeat.
    private mutating func makeName(regarding: ObjectReference?, at time: Date) -> String {
        let nanoseconds = max(0, time.timeIntervalSince1970 * 1e9)
        let wall = nanoseconds < 1.8e19 ? UInt64(nanoseconds) : UInt64.max / 2
        lastSuffix = max(wall, lastSuffix &+ 1)
        let suffix = String(lastSuffix, radix: 16)
        var prefix = regarding?.name ?? ""
        if prefix.isEmpty { prefix = "event" }
        // A DNS subdomain has at most 253 characters.
        let room = 253 - suffix.count - 1
        if prefix.utf8.count > room { prefix = String(prefix.utf8.prefix(room)) ?? "event" }
        return "\(prefix).\(suffix)"
    }
}
