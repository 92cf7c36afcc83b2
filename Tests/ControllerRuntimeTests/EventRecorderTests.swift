import Foundation
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import MetricsTestKit
import ServiceLifecycle
import Testing

@testable import ControllerRuntime

/// ``EventRecorder`` against the API stand-in over HTTP, its time driven by a manual clock, and its
/// decisions (``EventSeriesCache``) on their own.
@Suite("EventRecorder", .timeLimit(.minutes(1)))
struct EventRecorderTests {
    static let wallTime = Date(timeIntervalSince1970: 1_700_000_000)
    static let pod = ObjectReference(apiVersion: "v1", kind: "Pod", namespace: "ns1", name: "web-0", uid: "uid-web-0")
    static let pool = ObjectReference(apiVersion: "ipam.swift-ipam.io/v1alpha1", kind: "IPPool", name: "pool-a")

    /// A recorder on a manual clock, writing to a fresh stand-in.
    struct Harness: Sendable {
        let server: FakeAPIServer
        let client: KubernetesClient
        let clock: ManualClock
        let metrics: TestMetrics
        let recorder: EventRecorder<ManualClock>

        /// Events on the server, by reason then name.
        func events() async throws -> [Event] {
            try await server.objects(Event.self).sorted {
                ($0.reason ?? "", $0.metadata.name ?? "") < ($1.reason ?? "", $1.metadata.name ?? "")
            }
        }

        /// The writes of Events the server answered: (verb, status code).
        var eventWrites: [(APIVerb?, Int)] {
            server.requests.filter { $0.resource == "events" && $0.verb != .list && $0.verb != .get }
                .map { ($0.verb, $0.statusCode) }
        }

        /// Waits until the recorder has done all it can now: it waits for a record, or for a time
        /// and sleeps on the clock (so that advancing the clock wakes it).
        func settle(sourceLocation: SourceLocation = #_sourceLocation) async {
            await eventually("recorder idle", sourceLocation: sourceLocation) {
                guard let parked = recorder.parkedUntil else { return false }
                return parked == nil || clock.sleeperCount >= 1
            }
        }

        func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
            (try? metrics.expectCounter(label, dimensions).totalValue) ?? -1
        }

        func record(
            _ reason: String, regarding: ObjectReference = EventRecorderTests.pod, type: Event.EventType = .normal,
            note: String = "something happened"
        ) {
            recorder.record(regarding: regarding, type: type, reason: reason, action: "Allocate", note: note)
        }
    }

    /// Runs `body` with a harness; the recorder runs (when `running`) until `body` returns.
    func withRecorder(
        bufferSize: Int = 1000, running: Bool = true,
        _ body: (Harness) async throws -> Void
    ) async throws {
        try await FakeAPIServer.withRunning { server in
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, retry: .none, requestTimeout: .seconds(10))
            ) { client in
                let clock = ManualClock()
                let metrics = TestMetrics()
                let recorder = EventRecorder(
                    client: client, reportingController: "ipam.swift-ipam.io/controller",
                    reportingInstance: "ipam-0", defaultNamespace: "ipam-system", bufferSize: bufferSize,
                    clock: clock, wallClock: { Self.wallTime }, metricsFactory: metrics)
                let harness = Harness(server: server, client: client, clock: clock, metrics: metrics, recorder: recorder)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    if running { group.addTask { try await recorder.run() } }
                    try await body(harness)
                    group.cancelAll()
                    try await group.waitForAll()
                }
            }
        }
    }

    // MARK: Against the stand-in

    @Test("one record creates one Event with the occurrence's fields and the recorder's identity")
    func singleRecord() async throws {
        try await withRecorder { h in
            h.recorder.record(
                regarding: Self.pod, related: Self.pool, type: .warning, reason: "PoolExhausted", action: "Allocate",
                note: "no free address in pool-a")
            await h.settle()
            let events = try await h.events()
            try #require(events.count == 1)
            let event = events[0]
            #expect(event.metadata.name?.hasPrefix("web-0.") == true)
            #expect(event.metadata.namespace == "ns1")
            #expect(event.eventTime == Self.wallTime)
            #expect(event.series == nil)
            #expect(event.reportingController == "ipam.swift-ipam.io/controller")
            #expect(event.reportingInstance == "ipam-0")
            #expect(event.regarding == Self.pod)
            #expect(event.related == Self.pool)
            #expect(event.type == .warning)
            #expect(event.reason == "PoolExhausted")
            #expect(event.action == "Allocate")
            #expect(event.note == "no free address in pool-a")
            #expect(h.eventWrites.map(\.0) == [.create])
            #expect(h.counter("events_recorded_total", [("type", "Warning")]) == 1)

            // A cluster-scoped object's Events go to the default namespace.
            h.record("PoolDefined", regarding: Self.pool)
            await h.settle()
            let poolEvent = try await h.events().first { $0.reason == "PoolDefined" }
            #expect(poolEvent?.metadata.namespace == "ipam-system")
            #expect(poolEvent?.metadata.name?.hasPrefix("pool-a.") == true)
        }
    }

    @Test("1,000 identical records make one Event, patched once with count 1,000 after the heartbeat")
    func burstIsOneSeries() async throws {
        try await withRecorder { h in
            h.record("Allocated")
            await h.settle()
            for _ in 1..<1000 { h.record("Allocated") }
            await h.settle()
            // Not yet: the count waits for the heartbeat after the create.
            #expect(try await h.events().first?.series == nil)
            #expect(h.eventWrites.count == 1)

            h.clock.advance(by: .seconds(30))
            await h.settle()
            let events = try await h.events()
            #expect(events.count == 1)
            #expect(events.first?.series == Event.Series(count: 1000, lastObservedTime: Self.wallTime))
            #expect(h.eventWrites.map(\.0) == [.create, .patch])
            #expect(h.counter("events_recorded_total", [("type", "Normal")]) == 1000)
        }
    }

    @Test("occurrences that differ in reason or object are separate Events; a resourceVersion does not matter")
    func differentReasons() async throws {
        try await withRecorder { h in
            h.record("Allocated")
            h.record("Released")
            var other = Self.pod
            other.name = "web-1"
            other.uid = "uid-web-1"
            h.record("Allocated", regarding: other)
            var newer = Self.pod
            newer.resourceVersion = "42"
            h.record("Allocated", regarding: newer)
            await h.settle()
            let events = try await h.events()
            #expect(events.map(\.reason) == ["Allocated", "Allocated", "Released"])
            #expect(Set(events.compactMap(\.metadata.name)).count == 3)
            #expect(h.eventWrites.allSatisfy { $0.0 == .create })
            #expect(h.recorder.seriesCount == 3)
        }
    }

    @Test("a series lasts while occurrences come within 6 minutes; after 6 quiet minutes a new Event starts")
    func quietWindow() async throws {
        try await withRecorder { h in
            h.record("Allocated")
            await h.settle()
            h.clock.advance(by: .seconds(300))
            h.record("Allocated")  // the heartbeat has passed: patched at once
            await h.settle()
            #expect(try await h.events().map { $0.series?.count } == [2])

            h.clock.advance(by: .seconds(361))
            h.record("Allocated")
            await h.settle()
            let events = try await h.events()
            #expect(events.count == 2)
            #expect(Set(events.map { $0.series?.count }) == [2, nil])
            #expect(h.eventWrites.map(\.0) == [.create, .patch, .create])
        }
    }

    @Test("a series whose Event was deleted on the server is created again, with its count")
    func recreateAfterNotFound() async throws {
        try await withRecorder { h in
            h.record("Allocated")
            await h.settle()
            let name = try #require(try await h.events().first?.metadata.name)
            try await h.client.resource(Event.self, namespace: "ns1").delete(name)
            #expect(try await h.events().isEmpty)

            h.clock.advance(by: .seconds(31))
            h.record("Allocated")
            await h.settle()
            let events = try await h.events()
            #expect(events.count == 1)
            #expect(events.first?.series?.count == 2)
            let writes = h.eventWrites.filter { $0.0 != .delete }
            #expect(writes.map(\.0) == [.create, .patch, .create])
            #expect(writes.map(\.1) == [201, 404, 201])
        }
    }

    @Test("server errors are retried a few times, then the occurrence is dropped; later events still arrive")
    func serverErrorsDoNotWedge() async throws {
        try await withRecorder { h in
            h.server.failNextRequests(5, matching: RequestMatcher(verb: .create, resource: "events"), statusCode: 500)
            h.record("First")
            // Let the retries happen: a few attempts, then the recorder waits for records only.
            for _ in 0..<10 {
                await h.settle()
                if h.recorder.parkedUntil == .some(nil) { break }
                h.clock.advance(by: .seconds(5))
            }
            #expect(h.recorder.parkedUntil == .some(nil))
            #expect(h.eventWrites.map(\.1) == [500, 500, 500])
            #expect(h.counter("events_write_errors_total") == 3)
            #expect(h.counter("events_dropped_total", [("reason", "write_failed")]) == 1)

            h.server.resetFaults()
            h.record("Second")
            await h.settle()
            let reasons = try await h.events().map(\.reason)
            #expect(reasons == ["Second"])
        }
    }

    @Test("a full buffer drops the oldest occurrences and counts them")
    func bufferOverflow() async throws {
        try await withRecorder(bufferSize: 10, running: false) { h in
            for index in 0..<15 { h.record("Reason\(index)") }
            #expect(h.recorder.pendingCount == 10)
            #expect(h.counter("events_dropped_total", [("reason", "buffer_full")]) == 5)

            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await h.recorder.run() }
                await h.settle()
                group.cancelAll()
            }
            let reasons = try await h.events().compactMap(\.reason)
            #expect(Set(reasons) == Set((5..<15).map { "Reason\($0)" }))
            #expect(reasons.count == 10)
        }
    }

    @Test("graceful shutdown writes what is pending: a retried create, the occurrences behind it, a series count")
    func gracefulShutdownFlushes() async throws {
        try await withRecorder(running: false) { h in
            let group = ServiceGroup(services: [h.recorder], logger: Logger(label: "test.service-group"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                h.record("A")
                await h.settle()
                for _ in 0..<4 { h.record("A") }  // a count due at the next heartbeat
                h.server.failNextRequests(1, matching: RequestMatcher(verb: .create, resource: "events"), statusCode: 503)
                h.record("B")  // fails once: retried after a second
                await h.settle()
                h.record("C")  // waits behind B
                #expect(h.recorder.pendingCount == 1)

                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let events = try await h.events()
            #expect(events.map(\.reason) == ["A", "B", "C"])
            #expect(events.first?.series?.count == 5)
            #expect(h.recorder.pendingCount == 0)
            #expect(h.counter("events_dropped_total", [("reason", "shutdown")]) == 0)
        }
    }

    @Test("record returns while the server is slow, 10,000 times; the buffer stays bounded")
    func recordNeverBlocks() async throws {
        try await withRecorder { h in
            h.server.setLatency(.milliseconds(200))
            for index in 0..<10_000 {
                var pod = Self.pod
                pod.name = "web-\(index)"
                pod.uid = "uid-web-\(index)"
                h.record("Allocated", regarding: pod)
            }
            #expect(h.counter("events_recorded_total", [("type", "Normal")]) == 10_000)
            #expect(h.recorder.pendingCount <= 1000)
            #expect(h.counter("events_dropped_total", [("reason", "buffer_full")]) >= 8_000)
            // Returning from the body cancels run(), with a request in flight: it must end.
        }
    }

    // MARK: Decisions

    typealias Cache = EventSeriesCache<ManualClock.Instant>

    static func occurrence(
        _ reason: String = "Allocated", regarding: ObjectReference = pod, at seconds: Double = 0,
        wall: Date = wallTime
    ) -> Cache.Occurrence {
        Cache.Occurrence(
            regarding: regarding, related: nil, type: .normal, reason: reason, action: "Allocate", note: "n",
            observedAt: at(seconds), observedTime: wall)
    }

    static func cache(_ limits: Cache.Limits = Cache.Limits()) -> Cache {
        Cache(limits: limits, defaultNamespace: "default", reportingController: "c", reportingInstance: "i")
    }

    /// The next action (evictions ignored).
    static func next(_ cache: inout Cache, at now: ManualClock.Instant) -> Cache.Action {
        var evicted = 0
        return cache.nextAction(now: now, evicted: &evicted)
    }

    @Test("isomorphism: by UID when there is one, else by kind/namespace/name; field paths differ")
    func isomorphismKey() {
        typealias Key = Cache.ReferenceKey
        var renamed = Self.pod
        renamed.name = "other"
        renamed.resourceVersion = "7"
        #expect(Key(renamed) == Key(Self.pod))
        let byName = ObjectReference(kind: "Pod", namespace: "ns1", name: "web-0")
        var newer = byName
        newer.resourceVersion = "8"
        #expect(Key(byName) == Key(newer))
        #expect(Key(byName) != Key(Self.pod))
        var container = Self.pod
        container.fieldPath = "spec.containers{web}"
        #expect(Key(container) != Key(Self.pod))
    }

    @Test("names from one recorder never repeat, even with the same wall-clock time")
    func uniqueNames() {
        var cache = Self.cache()
        var names: [String] = []
        for reason in ["A", "B", "C"] {
            _ = cache.enqueue(Self.occurrence(reason))
            guard case .write(let key, .create(let event)) = Self.next(&cache, at: at(0)) else {
                Issue.record("expected a create")
                return
            }
            names.append(event.metadata.name ?? "")
            cache.writeSucceeded(key, now: at(0))
        }
        #expect(Set(names).count == 3)
        #expect(names.allSatisfy { $0.hasPrefix("web-0.") })
    }

    @Test("a retryable failure is retried after 1 s and 2 s, then given up; a permanent one at once")
    func retrySchedule() {
        var cache = Self.cache()
        _ = cache.enqueue(Self.occurrence("A"))
        var now = at(0)
        var outcomes: [Cache.FailureOutcome] = []
        for _ in 0..<3 {
            guard case .write(let key, .create) = Self.next(&cache, at: now) else {
                Issue.record("expected a create")
                return
            }
            let outcome = cache.writeFailed(key, .retryable(retryAfter: nil), now: now)
            outcomes.append(outcome)
            if case .retrying(let delay) = outcome {
                #expect(Self.next(&cache, at: now) == .wait(until: now.advanced(by: delay), wakeOnRecord: true))
                now = now.advanced(by: delay)
            }
        }
        #expect(outcomes == [.retrying(after: .seconds(1)), .retrying(after: .seconds(2)), .dropped(occurrences: 1)])
        #expect(Self.next(&cache, at: now) == .wait(until: nil, wakeOnRecord: true))

        _ = cache.enqueue(Self.occurrence("B"))
        guard case .write(let key, _) = Self.next(&cache, at: now) else {
            Issue.record("expected a write")
            return
        }
        #expect(cache.writeFailed(key, .permanent, now: now) == .dropped(occurrences: 1))
        #expect(cache.isSettled)
        #expect(cache.seriesCount == 0)
    }

    @Test("AlreadyExists on create: one more try under a new name, then given up")
    func alreadyExists() {
        var cache = Self.cache()
        _ = cache.enqueue(Self.occurrence())
        guard case .write(let key, .create(let first)) = Self.next(&cache, at: at(0)) else {
            Issue.record("expected a create")
            return
        }
        guard case .renamed(let name) = cache.writeFailed(key, .alreadyExists, now: at(0)) else {
            Issue.record("expected a rename")
            return
        }
        #expect(name != first.metadata.name)
        guard case .write(_, .create(let second)) = Self.next(&cache, at: at(0)) else {
            Issue.record("expected a create")
            return
        }
        #expect(second.metadata.name == name)
        #expect(cache.writeFailed(key, .alreadyExists, now: at(0)) == .dropped(occurrences: 1))
    }

    @Test("a create waiting for a retry holds new series back but not occurrences of existing ones")
    func drainingWaitsForCreates() {
        var cache = Self.cache()
        _ = cache.enqueue(Self.occurrence("A"))
        guard case .write(let a, _) = Self.next(&cache, at: at(0)) else {
            Issue.record("expected a write")
            return
        }
        cache.writeSucceeded(a, now: at(0))
        _ = cache.enqueue(Self.occurrence("B"))
        guard case .write(let b, _) = Self.next(&cache, at: at(0)) else {
            Issue.record("expected a write")
            return
        }
        #expect(cache.writeFailed(b, .retryable(retryAfter: .seconds(3)), now: at(0)) == .retrying(after: .seconds(3)))
        _ = cache.enqueue(Self.occurrence("A", at: 1))
        _ = cache.enqueue(Self.occurrence("C", at: 1))
        _ = cache.enqueue(Self.occurrence("A", at: 1))
        // A's first repetition joins its series; C waits for B, and the A behind C waits too.
        #expect(Self.next(&cache, at: at(1)) == .wait(until: at(3), wakeOnRecord: false))
        #expect(cache.pendingCount == 2)
        guard case .write(_, .create(let retried)) = Self.next(&cache, at: at(3)) else {
            Issue.record("expected B's create")
            return
        }
        #expect(retried.reason == "B")
    }

    @Test("beyond the series limit the least recently observed series is forgotten")
    func eviction() {
        var limits = Cache.Limits()
        limits.maximumSeries = 2
        var cache = Self.cache(limits)
        var evicted = 0
        for (index, reason) in ["A", "B", "C"].enumerated() {
            _ = cache.enqueue(Self.occurrence(reason, at: Double(index)))
            guard case .write(let key, _) = cache.nextAction(now: at(Double(index)), evicted: &evicted) else {
                Issue.record("expected a write")
                return
            }
            cache.writeSucceeded(key, now: at(Double(index)))
        }
        #expect(cache.seriesCount == 2)
        #expect(evicted == 0)  // A had nothing left to write
        // A occurs again: a new series (a new Event), not a count.
        _ = cache.enqueue(Self.occurrence("A", at: 3))
        guard case .write(_, .create) = Self.next(&cache, at: at(3)) else {
            Issue.record("expected a create")
            return
        }
    }

    @Test("at the limit the least recently observed eighth is forgotten at once, not one series per new one")
    func batchEviction() {
        var limits = Cache.Limits()
        limits.maximumSeries = 16
        var cache = Self.cache(limits)
        var evicted = 0
        func observe(_ reason: String, at time: Double) -> Cache.Action {
            _ = cache.enqueue(Self.occurrence(reason, at: time))
            let action = cache.nextAction(now: at(time), evicted: &evicted)
            if case .write(let key, _) = action { cache.writeSucceeded(key, now: at(time)) }
            return action
        }
        for index in 0..<16 { _ = observe("S\(index)", at: Double(index)) }
        #expect(cache.seriesCount == 16)
        _ = observe("S16", at: 16)
        #expect(cache.seriesCount == 15, "two forgotten (16 - 16/8), then the new one")
        _ = observe("S17", at: 17)
        #expect(cache.seriesCount == 16, "room was made ahead: nothing forgotten")
        #expect(evicted == 0)
        // S0 and S1 were the least recently observed: S0 starts a new Event.
        guard case .write(_, .create) = observe("S0", at: 18) else {
            Issue.record("expected S0 to start a new series")
            return
        }
        #expect(cache.seriesCount == 15, "S0's series needed room again: S2 and S3 forgotten")
        // S4 is remembered: counted into its series, patched after the heartbeat.
        guard case .wait = observe("S4", at: 19) else {
            Issue.record("expected S4 to be counted into its series")
            return
        }
    }

    @Test("notes are cut to 1024 UTF-8 bytes at a character boundary")
    func noteTruncation() {
        let short = String(repeating: "a", count: 1024)
        #expect(EventRecorder<ManualClock>.truncatedNote(short) == short)
        let long = String(repeating: "é", count: 700)  // 1400 bytes
        let cut = EventRecorder<ManualClock>.truncatedNote(long)
        #expect(cut.utf8.count <= 1024)
        #expect(cut.hasSuffix("..."))
        #expect(cut.dropLast(3).allSatisfy { $0 == "é" })
    }
}
