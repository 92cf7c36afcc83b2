import Foundation
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import Testing

@testable import ControllerRuntime

/// ``Watcher``, ``Store`` and ``Reflector`` against the in-process API stand-in over HTTP, with
/// the faults a real API server produces. Every test ends by checking that the cache equals a
/// full listing from the server.
@Suite("Reflector", .timeLimit(.minutes(2)))
struct ReflectorTests {
    /// A running reflector of every TestClaim and what its subscriber saw.
    struct Harness {
        let server: FakeAPIServer
        let client: KubernetesClient
        let reflector: Reflector<TestClaim, ContinuousClock>
        let seen: Locked<[String]>

        var store: Store<TestClaim> { reflector.store }

        func claims(in namespace: String = "default") -> ResourceClient<TestClaim> {
            client.resource(TestClaim.self, namespace: namespace)
        }

        /// `name → resourceVersion` of the cache.
        var cached: [String: String] {
            Dictionary(uniqueKeysWithValues: store.list().map { ("\(ObjectKey($0))", $0.metadata.resourceVersion ?? "") })
        }

        /// `name → resourceVersion` of a full listing from the server (retried past injected
        /// failures meant for the watcher).
        func listed() async throws -> [String: String] {
            let claims = client.resource(TestClaim.self)
            var listing = try? await claims.listAll()
            for _ in 0..<10 where listing == nil { listing = try? await claims.listAll() }
            if listing == nil { listing = try await claims.listAll() }
            let items = listing?.items ?? []
            return Dictionary(uniqueKeysWithValues: items.map { ("\(ObjectKey($0))", $0.metadata.resourceVersion ?? "") })
        }

        /// The watcher's list requests (pages of 7; the harness lists in pages of 500).
        var watcherLists: [RecordedRequest] {
            requests(.list).filter { $0.query["limit"] == "7" }
        }

        /// Waits until the cache equals the server's state; records an issue if it never does.
        func expectConverged(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            var truth = try await listed()
            while cached != truth {
                guard clock.now < deadline else {
                    Issue.record("cache never matched the server: cache \(cached.count), server \(truth.count)", sourceLocation: sourceLocation)
                    return
                }
                try await Task.sleep(for: .milliseconds(5))
                truth = try await listed()
            }
            #expect(cached == truth, sourceLocation: sourceLocation)
        }

        /// Waits until the stand-in holds an open watch.
        func waitForOpenWatch(sourceLocation: SourceLocation = #_sourceLocation) async {
            for _ in 0..<5_000 {
                if await server.openWatchCount > 0 { return }
                try? await Task.sleep(for: .milliseconds(2))
            }
            Issue.record("no watch opened", sourceLocation: sourceLocation)
        }

        func requests(_ verb: APIVerb) -> [RecordedRequest] {
            server.requests.filter { $0.verb == verb && $0.resource == TestClaim.plural }
        }

        func seed(_ count: Int, namespace: String = "default", prefix: String = "claim") async throws {
            for index in 0..<count {
                _ = try await claims(in: namespace).create(TestClaim(namespace: namespace, name: "\(prefix)-\(index)", pool: "blue"))
            }
        }
    }

    static let fastBackoff = WatcherBackoff(
        initial: .milliseconds(5), maximum: .milliseconds(50), minimumHealthyWatch: .milliseconds(1))

    func withReflector(
        configuration: WatcherConfiguration = WatcherConfiguration(pageSize: 7, backoff: fastBackoff),
        before: (Harness) async throws -> Void = { _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        try await FakeAPIServer.withRunning { server in
            await server.register(TestClaim.self, statusSubresource: true)
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, retry: .none, requestTimeout: .seconds(10))
            ) { client in
                let reflector = Reflector(
                    client: client.resource(TestClaim.self), configuration: configuration,
                    logger: Logger(label: "test"))
                let seen = Locked<[String]>([])
                reflector.subscribe { change in
                    let entry =
                        switch change {
                        case .added(let object): "added \(ObjectKey(object))"
                        case .updated(_, let object): "updated \(ObjectKey(object))"
                        case .deleted(let object): "deleted \(ObjectKey(object))"
                        }
                    seen.withLock { $0.append(entry) }
                }
                let harness = Harness(server: server, client: client, reflector: reflector, seen: seen)
                try await before(harness)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await reflector.run() }
                    defer { group.cancelAll() }
                    try await body(harness)
                }
            }
        }
    }

    @Test("lists in pages, syncs, then follows creates, updates and deletes")
    func initialSyncAndLiveChanges() async throws {
        try await withReflector(before: { try await $0.seed(25) }) { harness in
            #expect(await harness.store.waitUntilSynced())
            #expect(harness.store.count == 25)
            #expect(harness.watcherLists.count == 4, "25 objects in pages of 7")
            #expect(harness.reflector.healthCheck.isReady())

            let claims = harness.claims()
            _ = try await claims.create(TestClaim(name: "new", pool: "red"))
            var changed = try await claims.get("claim-3")
            changed.spec.pool = "red"
            _ = try await claims.update(changed)
            try await claims.delete("claim-4")
            try await harness.expectConverged()
            #expect(harness.store.get(namespace: "default", name: "claim-3")?.spec.pool == "red")
            let seen = harness.seen.value
            #expect(seen.filter { $0.hasPrefix("added") }.count == 26)
            #expect(seen.contains("updated default/claim-3"))
            #expect(seen.contains("deleted default/claim-4"))
        }
    }

    @Test("a watch dropped mid-stream resumes from the last resourceVersion without relisting")
    func resumeAfterDrop() async throws {
        try await withReflector(before: { try await $0.seed(5) }) { harness in
            #expect(await harness.store.waitUntilSynced())
            let listsBefore = harness.watcherLists.count
            for round in 0..<3 {
                await harness.waitForOpenWatch()
                _ = await harness.server.dropWatches()
                _ = try await harness.claims().create(TestClaim(name: "after-drop-\(round)", pool: "blue"))
                try await harness.expectConverged()
            }
            #expect(harness.watcherLists.count == listsBefore, "no relist")
            let resumed = harness.requests(.watch).dropFirst()
            #expect(resumed.count >= 3)
            #expect(resumed.allSatisfy { $0.query["resourceVersion"] != nil })
            #expect(harness.seen.value.filter { $0.hasPrefix("added default/after-drop") }.count == 3)
        }
    }

    @Test("410 Gone on resuming relists; objects deleted in the gap reach subscribers as deletions")
    func relistAfterCompaction() async throws {
        try await withReflector(before: { try await $0.seed(10) }) { harness in
            #expect(await harness.store.waitUntilSynced())
            await harness.waitForOpenWatch()
            let listsBefore = harness.watcherLists.count
            // Hold the reconnect long enough to change things and compact the history meanwhile.
            harness.server.setLatency(.milliseconds(300), matching: RequestMatcher(verb: .watch))
            _ = await harness.server.dropWatches()
            try await harness.claims().delete("claim-1")
            _ = try await harness.claims().create(TestClaim(name: "in-the-gap", pool: "blue"))
            await harness.server.compactHistory()
            try await harness.expectConverged()
            harness.server.resetFaults()

            #expect(harness.watcherLists.count > listsBefore, "relisted")
            #expect(harness.reflector.watcher.completedListings == 2)
            let seen = harness.seen.value
            #expect(seen.filter { $0 == "deleted default/claim-1" }.count == 1, "deleted exactly once")
            #expect(seen.filter { $0 == "added default/in-the-gap" }.count == 1)
            #expect(harness.store.get(namespace: "default", name: "claim-1") == nil)
        }
    }

    @Test("an injected 410 on the watch relists, and the relisting reports no spurious changes")
    func injectedGone() async throws {
        try await withReflector(before: { try await $0.seed(10) }) { harness in
            #expect(await harness.store.waitUntilSynced())
            await harness.waitForOpenWatch()
            let seenBefore = harness.seen.value.count
            harness.server.failNextRequests(
                1, matching: RequestMatcher(verb: .watch),
                with: InjectedFailure(statusCode: 410, reason: .gone, message: "too old resource version"))
            _ = await harness.server.dropWatches()
            await eventually("relisted") { harness.reflector.watcher.completedListings >= 2 }
            try await harness.expectConverged()
            #expect(harness.seen.value.count == seenBefore, "unchanged objects are not reported again")
        }
    }

    @Test("5xx and 429 during the initial list and the watch: retried with backoff until synced")
    func errorsDuringListAndWatch() async throws {
        try await withReflector(before: { harness in
            try await harness.seed(12)
            harness.server.failNextRequests(3, matching: RequestMatcher(verb: .list), with: .serviceUnavailable)
            harness.server.failNextRequests(
                2, matching: RequestMatcher(verb: .watch), with: .tooManyRequests(retryAfterSeconds: 0))
        }) { harness in
            #expect(await harness.store.waitUntilSynced())
            try await harness.expectConverged()
            await harness.waitForOpenWatch()

            harness.server.failNextRequests(2, matching: RequestMatcher(verb: .watch), with: .internalError)
            _ = await harness.server.dropWatches()
            _ = try await harness.claims().create(TestClaim(name: "late", pool: "blue"))
            try await harness.claims().delete("claim-0")
            try await harness.expectConverged()
            #expect(harness.watcherLists.filter { $0.statusCode == 503 }.count == 3)
            #expect(harness.requests(.watch).filter { $0.statusCode == 500 }.count == 2)
            #expect(!harness.reflector.watcher.isWedged)
        }
    }

    @Test("a failing relisting is retried; nothing is duplicated")
    func failingRelist() async throws {
        try await withReflector(before: { harness in
            try await harness.seed(20)
        }) { harness in
            #expect(await harness.store.waitUntilSynced())
            #expect(harness.store.count == 20)
            harness.server.failNextRequests(1, matching: RequestMatcher(verb: .watch), with: InjectedFailure(statusCode: 410, reason: .gone))
            harness.server.failNextRequests(1, matching: RequestMatcher(verb: .list), with: .internalError)
            _ = await harness.server.dropWatches()
            try await harness.claims().delete("claim-7")
            try await harness.expectConverged()
            #expect(harness.store.count == 19)
            #expect(harness.seen.value.filter { $0 == "deleted default/claim-7" }.count == 1)
        }
    }

    @Test("slow responses everywhere: still converges under churn")
    func slowResponses() async throws {
        try await withReflector(before: { try await $0.seed(8) }) { harness in
            harness.server.setLatency(.milliseconds(20))
            #expect(await harness.store.waitUntilSynced())
            let claims = harness.claims()
            for index in 0..<8 where index.isMultiple(of: 2) { try await claims.delete("claim-\(index)") }
            for index in 0..<5 { _ = try await claims.create(TestClaim(name: "slow-\(index)", pool: "blue")) }
            try await harness.expectConverged()
            harness.server.resetFaults()
        }
    }

    @Test("liveness fails while every request fails past the threshold, and recovers")
    func wedgedAndRecovered() async throws {
        let configuration = WatcherConfiguration(pageSize: 7, backoff: Self.fastBackoff, wedgedAfter: .milliseconds(100))
        try await withReflector(
            configuration: configuration,
            before: { harness in
                try await harness.seed(3)
                harness.server.failNextRequests(100_000, matching: RequestMatcher(verb: .list), with: .serviceUnavailable)
            }
        ) { harness in
            await eventually("wedged") { harness.reflector.watcher.isWedged }
            #expect(!harness.reflector.healthCheck.isLive())
            #expect(!harness.reflector.healthCheck.isReady())
            harness.server.resetFaults()
            #expect(await harness.store.waitUntilSynced())
            #expect(!harness.reflector.watcher.isWedged)
            try await harness.expectConverged()
        }
    }

    @Test("cancellation ends run() promptly, also while watching an idle collection")
    func cancellation() async throws {
        try await withReflector { harness in
            #expect(await harness.store.waitUntilSynced())
            #expect(harness.store.count == 0)
            await harness.waitForOpenWatch()
        }
        // Reaching here means the task group's cancellation ended run() while it watched.
    }
}
