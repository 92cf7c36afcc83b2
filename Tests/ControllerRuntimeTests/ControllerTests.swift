import Foundation
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import MetricsTestKit
import ServiceLifecycleTestKit
import Testing

@testable import ControllerRuntime

/// A reconciler that records what it was asked and answers as the test says.
struct RecordingReconciler: Reconciler {
    /// Reconciles per key, in order of completion.
    let calls = Locked<[ObjectKey]>([])
    /// Keys being reconciled now, to catch two workers on one key.
    let inFlight = Locked<Set<ObjectKey>>([])
    let overlaps = Locked<Int>(0)
    let answer: @Sendable (ObjectKey, Int) async throws -> ReconcileAction

    init(_ answer: @escaping @Sendable (ObjectKey, Int) async throws -> ReconcileAction = { _, _ in .done }) {
        self.answer = answer
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        if !inFlight.withLock({ $0.insert(key).inserted }) { overlaps.withLock { $0 += 1 } }
        defer {
            inFlight.withLock { _ = $0.remove(key) }
            calls.withLock { $0.append(key) }
        }
        let attempt = calls.value.count { $0 == key } + 1
        return try await answer(key, attempt)
    }

    func count(_ key: ObjectKey) -> Int { calls.value.count { $0 == key } }
    func count(_ name: String) -> Int { count(ObjectKey(namespace: "default", name: name)) }
}

struct Failure: Error {}

/// ``Controller`` end to end: reflectors against the stand-in over HTTP, a manual clock for the
/// queue's delays and the resync.
@Suite("Controller", .timeLimit(.minutes(2)))
struct ControllerTests {
    struct Harness {
        let server: FakeAPIServer
        let client: KubernetesClient
        let claims: Reflector<TestClaim, ContinuousClock>
        let pools: Reflector<TestPool, ContinuousClock>
        let controller: Controller<ManualClock>
        let clock: ManualClock
        let metrics: TestMetrics

        func create(_ name: String, pool: String = "blue") async throws {
            _ = try await client.resource(TestClaim.self, namespace: "default").create(TestClaim(name: name, pool: pool))
        }
    }

    static let byPool = StoreIndex<TestClaim>(name: "spec.pool") { [$0.spec.pool] }

    func withController(
        reconciler: RecordingReconciler,
        configuration: ControllerConfiguration = ControllerConfiguration(workers: 4, resyncPeriod: nil),
        before: (FakeAPIServer, KubernetesClient) async throws -> Void = { _, _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        try await FakeAPIServer.withRunning { server in
            await server.register(TestClaim.self, statusSubresource: true)
            await server.register(TestPool.self, statusSubresource: false)
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, retry: .none, requestTimeout: .seconds(10))
            ) { client in
                try await before(server, client)
                let watcher = WatcherConfiguration(backoff: ReflectorTests.fastBackoff)
                let claims = Reflector(
                    client: client.resource(TestClaim.self), configuration: watcher, indexes: [Self.byPool],
                    logger: Logger(label: "test"))
                let pools = Reflector(
                    client: client.resource(TestPool.self), configuration: watcher, logger: Logger(label: "test"))
                let clock = ManualClock()
                let metrics = TestMetrics()
                let controller = Controller(
                    name: "claims", reconciler: reconciler, configuration: configuration, clock: clock,
                    logger: Logger(label: "test"), metricsFactory: metrics)
                controller.reconciles(claims)
                // A pool change wakes the claims of that pool (read from the claims cache).
                controller.watches(pools) { change in
                    claims.store.keys(in: "spec.pool", value: change.object.metadata.name ?? "")
                }
                let harness = Harness(
                    server: server, client: client, claims: claims, pools: pools, controller: controller, clock: clock,
                    metrics: metrics)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await claims.run() }
                    group.addTask { try await pools.run() }
                    group.addTask { try await controller.run() }
                    defer { group.cancelAll() }
                    try await body(harness)
                }
            }
        }
    }

    @Test("workers start only after every cache has synced; then every object is reconciled once")
    func waitsForSync() async throws {
        let reconciler = RecordingReconciler()
        try await withController(reconciler: reconciler, before: { server, client in
            for name in ["a", "b", "c"] {
                _ = try await client.resource(TestClaim.self, namespace: "default").create(TestClaim(name: name, pool: "blue"))
            }
            // The pools cache cannot sync for now.
            server.failNextRequests(1_000_000, matching: RequestMatcher(verb: .list, resource: "testpools"), with: .serviceUnavailable)
        }) { harness in
            #expect(await harness.claims.store.waitUntilSynced())
            // Give the workers every chance to start wrongly.
            for _ in 0..<50 { await Task.yield() }
            #expect(!harness.controller.hasStarted)
            #expect(!harness.controller.healthCheck.isReady())
            #expect(reconciler.calls.value.isEmpty)

            harness.server.resetFaults()
            await eventually("started") { harness.controller.hasStarted }
            await eventually("all reconciled") { reconciler.calls.value.count == 3 }
            #expect(Set(reconciler.calls.value.map(\.name)) == ["a", "b", "c"])
            #expect(harness.controller.healthCheck.isReady())
        }
    }

    @Test("changes to the primary resource enqueue their key; a related change enqueues the keys it maps to")
    func triggers() async throws {
        let reconciler = RecordingReconciler()
        try await withController(reconciler: reconciler) { harness in
            await eventually("started") { harness.controller.hasStarted }
            try await harness.create("a", pool: "blue")
            try await harness.create("b", pool: "blue")
            try await harness.create("c", pool: "red")
            await eventually("created ones reconciled") { reconciler.calls.value.count == 3 }

            _ = try await harness.client.resource(TestPool.self).create(TestPool(name: "blue", cidr: "10.0.0.0/24"))
            await eventually("the blue claims reconciled again") { reconciler.count("a") == 2 && reconciler.count("b") == 2 }
            #expect(reconciler.count("c") == 1)
        }
    }

    @Test("requeue(after:) runs the key again once the delay has passed on the clock")
    func requeueAfter() async throws {
        let reconciler = RecordingReconciler { _, attempt in attempt == 1 ? .requeue(after: .seconds(30)) : .done }
        try await withController(reconciler: reconciler) { harness in
            await eventually("started") { harness.controller.hasStarted }
            try await harness.create("a")
            await eventually("first reconcile") { reconciler.count("a") == 1 }
            await eventually("delayed") { harness.controller.queue.delayedCount == 1 }
            harness.clock.advance(by: .seconds(29))
            for _ in 0..<50 { await Task.yield() }
            #expect(reconciler.count("a") == 1)
            harness.clock.advance(by: .seconds(1))
            await eventually("second reconcile") { reconciler.count("a") == 2 }
            let requeued = try harness.metrics.expectCounter(
                "controller_runtime_reconcile_total", [("controller", "claims"), ("result", "requeue_after")])
            let succeeded = try harness.metrics.expectCounter(
                "controller_runtime_reconcile_total", [("controller", "claims"), ("result", "success")])
            #expect(requeued.totalValue == 1)
            #expect(succeeded.totalValue == 1)
        }
    }

    @Test("errors requeue with per-key exponential backoff; success forgets the backoff")
    func errorBackoff() async throws {
        let reconciler = RecordingReconciler { _, attempt in
            if attempt <= 3 { throw Failure() }
            return .done
        }
        try await withController(reconciler: reconciler) { harness in
            await eventually("started") { harness.controller.hasStarted }
            try await harness.create("a")
            let key = ObjectKey(namespace: "default", name: "a")
            // 5 ms, 10 ms, 20 ms: each retry waits for its backoff on the manual clock.
            for (attempt, delay) in [(1, 5), (2, 10), (3, 20)] {
                await eventually("attempt \(attempt) failed and was scheduled") {
                    reconciler.count(key) == attempt && harness.controller.queue.delayedCount == 1
                }
                harness.clock.advance(by: .milliseconds(delay - 1))
                for _ in 0..<20 { await Task.yield() }
                #expect(reconciler.count(key) == attempt, "not before its backoff")
                harness.clock.advance(by: .milliseconds(1))
            }
            await eventually("succeeded") { reconciler.count(key) == 4 }
            await eventually("backoff forgotten") { harness.controller.queue.numRequeues(key) == 0 }
            let errors = try harness.metrics.expectCounter(
                "controller_runtime_reconcile_errors_total", [("controller", "claims")])
            #expect(errors.totalValue == 3)
        }
    }

    @Test("a terminal error is not retried")
    func terminalError() async throws {
        let reconciler = RecordingReconciler { _, _ in throw TerminalError(Failure()) }
        try await withController(reconciler: reconciler) { harness in
            await eventually("started") { harness.controller.hasStarted }
            try await harness.create("a")
            await eventually("reconciled") { reconciler.count("a") == 1 }
            harness.clock.advance(by: .seconds(3600))
            for _ in 0..<50 { await Task.yield() }
            #expect(reconciler.count("a") == 1)
            #expect(harness.controller.queue.delayedCount == 0)
            let terminal = try harness.metrics.expectCounter(
                "controller_runtime_terminal_reconcile_errors_total", [("controller", "claims")])
            #expect(terminal.totalValue == 1)
        }
    }

    @Test("periodic resync reconciles every cached key again")
    func resync() async throws {
        let reconciler = RecordingReconciler()
        try await withController(
            reconciler: reconciler, configuration: ControllerConfiguration(workers: 2, resyncPeriod: .seconds(600)),
            before: { _, client in
                for name in ["a", "b"] {
                    _ = try await client.resource(TestClaim.self, namespace: "default").create(TestClaim(name: name, pool: "blue"))
                }
            }
        ) { harness in
            await eventually("initial reconciles") { reconciler.calls.value.count == 2 }
            await harness.clock.waitForSleepers(count: 2)  // the resync and the unfinished-work reporter
            harness.clock.advance(by: .seconds(600))
            await eventually("resynced") { reconciler.count("a") == 2 && reconciler.count("b") == 2 }
        }
    }

    @Test("a storm of changes never runs one key on two workers at once, and ends reconciled")
    func noConcurrentReconcileOfOneKey() async throws {
        let reconciler = RecordingReconciler { _, _ in
            await Task.yield()
            return .done
        }
        try await withController(reconciler: reconciler, configuration: ControllerConfiguration(workers: 8, resyncPeriod: nil)) { harness in
            await eventually("started") { harness.controller.hasStarted }
            let claims = harness.client.resource(TestClaim.self, namespace: "default")
            for name in ["a", "b", "c"] { _ = try await claims.create(TestClaim(name: name, pool: "blue")) }
            for round in 0..<20 {
                for name in ["a", "b", "c"] {
                    var claim = try await claims.get(name)
                    claim.spec.pool = "pool-\(round)"
                    _ = try await claims.update(claim)
                }
            }
            await eventually("caught up") {
                harness.claims.store.get(namespace: "default", name: "c")?.spec.pool == "pool-19"
                    && harness.controller.queue.count == 0 && harness.controller.queue.processingCount == 0
            }
            #expect(reconciler.overlaps.value == 0)
            #expect(reconciler.count("a") >= 2)
        }
    }

    @Test("graceful shutdown lets the reconcile in flight finish, starts no new one, and returns")
    func gracefulShutdownDrains() async throws {
        let release = Latch()
        let reconciler = RecordingReconciler { key, _ in
            if key.name == "slow" { await release.wait() }
            return .done
        }
        try await FakeAPIServer.withRunning { server in
            await server.register(TestClaim.self, statusSubresource: true)
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL), options: .init(qps: nil, retry: .none)
            ) { client in
                let claims = client.resource(TestClaim.self, namespace: "default")
                _ = try await claims.create(TestClaim(name: "slow", pool: "blue"))
                let reflector = Reflector(client: client.resource(TestClaim.self), logger: Logger(label: "test"))
                let controller = Controller(
                    name: "claims", reconciler: reconciler, configuration: .init(workers: 1, resyncPeriod: nil),
                    logger: Logger(label: "test"), metricsFactory: TestMetrics())
                controller.reconciles(reflector)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await reflector.run() }
                    defer { group.cancelAll() }
                    try await testGracefulShutdown { trigger in
                        try await withThrowingTaskGroup(of: Void.self) { inner in
                            inner.addTask { try await controller.run() }
                            await eventually("slow in flight") { reconciler.inFlight.value.count == 1 }
                            _ = try await claims.create(TestClaim(name: "queued", pool: "blue"))
                            await eventually("queued") { controller.queue.count == 1 }
                            trigger.triggerGracefulShutdown()
                            await eventually("shutting down") { controller.queue.isShuttingDown }
                            #expect(reconciler.calls.value.isEmpty, "the slow reconcile is still running")
                            release.open()
                            try await inner.next()  // run() returns
                        }
                    }
                }
                #expect(reconciler.calls.value.map(\.name) == ["slow"], "finished, and nothing new started")
            }
        }
    }
}
