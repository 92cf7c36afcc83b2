import ControllerRuntime
import Foundation
import IPAM
import IPAMController
import IPAMModel
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Metrics
import Synchronization

/// Seeds `count` Bound IPClaims (in `namespaces` namespaces) and their IPLeases, exactly as the
/// controller would have left them: the claim's finalizer, its status as `ClaimStatusBuilder`
/// writes it (so that the controller finds nothing to write at start-up), a lease per claim named
/// by its address, labelled with the pool, naming the claim's UID. Returns the pool's name.
func seedBoundClaims(_ server: FakeAPIServer, count: Int, namespaces: Int, cidrs: [String]) async throws {
    let pool = try poolObject("bench", cidrs: cidrs)
    let definition = try PoolDefinition(validating: pool)
    guard let space = definition.layout.spaces[.ipv4], space.size >= UInt128(count) else {
        throw BenchmarkFailure(description: "pool too small for \(count) claims")
    }
    try await seedNamespaces(server, count: namespaces)
    try await server.seed(JSONValue(encoding: pool))
    let created = Date(timeIntervalSince1970: 1_750_000_000)
    for index in 0..<count {
        let address = space.address(at: UInt128(index))
        let namespace = "team-\(index % namespaces)"
        let name = "claim-\(index / namespaces)"
        let uid = "c0000000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(index, radix: 16).count)
            + String(index, radix: 16)
        var claim = IPClaim(
            metadata: ObjectMeta(
                name: name, namespace: namespace, uid: uid, generation: 1, creationTimestamp: created,
                finalizers: [IPAMAPI.finalizer]),
            spec: IPClaimSpec(pool: "bench"))
        claim.status = ClaimStatusBuilder.status(
            for: claim, binding: ClaimBinding(pool: "bench", addresses: [definition.layout.allocatedAddress(address)]),
            now: created)
        let lease = IPLease(
            metadata: ObjectMeta(name: address.leaseName, labels: [IPAMAPI.poolLabel: "bench"]),
            spec: IPLeaseSpec(
                address: address.description, pool: "bench",
                claimRef: ClaimReference(namespace: namespace, name: name, uid: uid)))
        try await server.seed(JSONValue(encoding: lease))
        try await server.seed(JSONValue(encoding: claim))
    }
}

/// Counts reconciles per controller (`controller_runtime_reconcile_total`, every result); every
/// other metric is a no-op (a TestMetrics would keep every timer value and skew the memory figure).
final class ReconcileCounts: MetricsFactory, Sendable {
    private final class Handler: CounterHandler, Sendable {
        let value = Atomic<Int64>(0)
        func increment(by amount: Int64) { value.add(amount, ordering: .relaxed) }
        func reset() { value.store(0, ordering: .relaxed) }
    }

    private let counters = Mutex<[String: [Handler]]>([:])

    /// Reconciles done so far by the controller named `controller` (`ipclaims`, `ipleases`, …).
    func reconciles(_ controller: String) -> Int64 {
        counters.withLock { $0[controller] ?? [] }.reduce(0) { $0 + $1.value.load(ordering: .relaxed) }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard label == "controller_runtime_reconcile_total",
            let controller = dimensions.first(where: { $0.0 == "controller" })?.1
        else { return NOOPMetricsHandler.instance }
        let handler = Handler()
        counters.withLock { $0[controller, default: []].append(handler) }
        return handler
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// The instant (and VmRSS) at which the caches were first seen synced, from inside the
/// reflectors' change delivery: a polling task can be scheduled late while the cooperative pool is
/// busy decoding listings and reconciling, and would read both late.
final class SyncProbe: Sendable {
    private let seen = Atomic<Bool>(false)
    private let reading = Mutex<(instant: ContinuousClock.Instant, rss: Int)?>(nil)

    /// Subscribes to the caches with objects (a change is delivered right after each listing is
    /// applied; the Pod cache is empty here, so it is left out and checked by ``hasSynced``).
    func attach(to cache: ClusterCache) {
        let check: @Sendable () -> Void = { [self] in
            guard !seen.load(ordering: .relaxed), cache.hasSynced else { return }
            guard seen.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
            else { return }
            let now = ContinuousClock.now
            reading.withLock { $0 = (now, residentBytes()) }
        }
        cache.claims.subscribe { _ in check() }
        cache.leases.subscribe { _ in check() }
        cache.pools.subscribe { _ in check() }
        cache.namespaces.subscribe { _ in check() }
    }

    var result: (instant: ContinuousClock.Instant, rss: Int)? { reading.withLock { $0 } }
}

/// Runs a controller (metrics: ``ReconcileCounts``) while `body` runs; `started` is the instant
/// just before `run()` was called.
func withController(
    _ server: FakeAPIServer, options: Options,
    _ body: (IPAMController, ReconcileCounts, SyncProbe, ContinuousClock.Instant) async throws -> Void
) async throws {
    try await KubernetesClient.withClient(
        configuration: ClientConfiguration(server: server.baseURL), options: options.clientOptions, logger: quiet
    ) { client in
        let counts = ReconcileCounts()
        let controller = IPAMController(
            client: client, configuration: options.controllerConfiguration, identity: "bench-0", logger: quiet,
            metricsFactory: counts)
        let probe = SyncProbe()
        probe.attach(to: controller.cache)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let started = ContinuousClock.now
            group.addTask { try await controller.run() }
            defer { group.cancelAll() }
            try await body(controller, counts, probe, started)
        }
    }
}

/// Whether the start-up reconciles are done: every claim and lease reconciled at least once (the
/// first listing "adds" each), every queue empty and no reconcile running (delayed items aside).
func startupDrained(_ controller: IPAMController, _ counts: ReconcileCounts, objects: Int) -> Bool {
    counts.reconciles("ipclaims") >= Int64(objects) && counts.reconciles("ipleases") >= Int64(objects)
        && controller.controllers.allSatisfy { $0.queue.count == 0 && $0.queue.processingCount == 0 }
}

// MARK: Scenario 3: memory

struct MemoryResult: Sendable {
    var beforeSeeding: Int
    var afterSeeding: Int
    var afterSync: Int
    var syncTime: Duration
    var afterDrain: Int
    var drainTime: Duration
    var afterTrim: Int
    var seedingAfterTrim: Int
    var peak: Int
    var startupWrites: WriteCount
}

/// 100,000 Bound claims and 100,000 leases in the stand-in; the controller's caches sync them.
///
/// RSS is VmRSS from /proc/self/status. The stand-in's copy lives in this process too, so the
/// controller's share is (after sync − after seeding). Read at: before seeding (stand-in up, kinds
/// registered, nothing stored); after seeding; at `cache.hasSynced` (read by ``SyncProbe`` inside
/// the reflectors' delivery: a polling task was scheduled 7 s late, after the reconciles); after the start-up reconciles
/// (every claim and lease is reconciled once, as the first listing "adds" them) have drained;
/// and after malloc_trim(0), which returns freed heap pages (list pages, JSON buffers) so that the
/// figure shows what is live. The seeding figure is also re-read after a trim before the
/// controller starts, for a like-for-like baseline.
func runMemory(options: Options, count: Int = 100_000) async throws -> MemoryResult {
    var result: MemoryResult?
    try await withStandIn(historyLimit: 1000) { server, _ in
        let before = residentBytes()
        say("  seeding \(count) claims and \(count) leases …")
        let seedStart = ContinuousClock.now
        try await seedBoundClaims(server, count: count, namespaces: 100, cidrs: ["10.0.0.0/15"])
        say("  seeded in \(seedStart.duration(to: .now).s)")
        let afterSeeding = residentBytes()
        mallocTrim()
        let seedingTrimmed = residentBytes()
        server.clearRequestLog()
        try await withController(server, options: options) { controller, counts, probe, started in
            try await waitUntil("caches synced", every: .milliseconds(2), within: .seconds(600)) {
                controller.cache.hasSynced
            }
            let polled = (instant: ContinuousClock.now, rss: residentBytes())
            let reconciledAtPoll = counts.reconciles("ipclaims")
            let sync = probe.result.map { $0.instant < polled.instant ? $0 : polled } ?? polled
            let syncTime = started.duration(to: sync.instant)
            let afterSync = sync.rss
            say("  sync seen by the reflectors after \(syncTime.ms) (VmRSS \(mib(afterSync))), by polling after \(started.duration(to: polled.instant).ms) (VmRSS \(mib(polled.rss)), \(reconciledAtPoll) claim reconciles done by then)")
            try await waitUntil("start-up reconciles drained", every: .milliseconds(10), within: .seconds(900)) {
                startupDrained(controller, counts, objects: count)
            }
            let drainTime = started.duration(to: .now)
            let afterDrain = residentBytes()
            mallocTrim()
            let afterTrim = residentBytes()
            result = MemoryResult(
                beforeSeeding: before, afterSeeding: afterSeeding, afterSync: afterSync, syncTime: syncTime,
                afterDrain: afterDrain, drainTime: drainTime, afterTrim: afterTrim, seedingAfterTrim: seedingTrimmed,
                peak: peakResidentBytes(), startupWrites: WriteCount(server.requests))
            guard controller.cache.claims.store.count == count, controller.cache.leases.store.count == count else {
                throw BenchmarkFailure(
                    description: "cached \(controller.cache.claims.store.count) claims, \(controller.cache.leases.store.count) leases")
            }
        }
    }
    guard let result else { throw BenchmarkFailure(description: "no result") }
    return result
}

// MARK: Scenario 4: a fresh replica resumes

struct RestartResult: Sendable {
    /// From `run()` to `cache.hasSynced`.
    var synced: Duration
    /// From `run()` to every controller started (workers running).
    var started: Duration
    /// From `run()` to the new claim seen Bound (created right after the workers started).
    var newClaimBound: Duration
    /// The new claim: create answered → Bound.
    var createToBound: Duration
    /// From `run()` to the start-up reconciles drained.
    var drained: Duration?
    var listRequests: Int
    var startupWrites: WriteCount
}

/// 10,000 leases and their 10,000 Bound claims in the stand-in; a controller starts.
func runRestart(options: Options, count: Int = 10_000) async throws -> RestartResult {
    var result: RestartResult?
    try await withStandIn(historyLimit: 1000) { server, workload in
        try await seedBoundClaims(server, count: count, namespaces: 100, cidrs: ["10.0.0.0/18"])
        server.clearRequestLog()
        try await withController(server, options: options) { controller, counts, probe, started in
            try await waitUntil("caches synced", every: .milliseconds(1), within: .seconds(120)) {
                controller.cache.hasSynced
            }
            let polled = ContinuousClock.now
            let synced = started.duration(to: Swift.min(probe.result?.instant ?? polled, polled))
            try await waitUntil("controllers started", every: .milliseconds(1), within: .seconds(120)) {
                controller.controllers.allSatisfy(\.hasStarted)
            }
            let running = started.duration(to: .now)
            _ = try await workload.resource(IPClaim.self, namespace: "team-0").create(
                IPClaim(metadata: ObjectMeta(name: "newcomer", namespace: "team-0"), spec: IPClaimSpec(pool: "bench")))
            let createdAt = ContinuousClock.now
            try await waitUntil("the new claim Bound", every: .milliseconds(2), within: .seconds(120)) {
                guard let claim = await server.object(
                    group: IPClaim.group, plural: IPClaim.plural, namespace: "team-0", name: "newcomer")
                else { return false }
                return isBound(claim)
            }
            let boundAt = ContinuousClock.now
            var drained: Duration?
            do {
                try await waitUntil("start-up reconciles drained", every: .milliseconds(5), within: .seconds(120)) {
                    startupDrained(controller, counts, objects: count)
                }
                drained = started.duration(to: .now)
            } catch {}
            let requests = server.requests
            result = RestartResult(
                synced: synced, started: running, newClaimBound: started.duration(to: boundAt),
                createToBound: createdAt.duration(to: boundAt), drained: drained,
                listRequests: requests.filter { $0.verb == .list }.count, startupWrites: WriteCount(requests))
        }
    }
    guard let result else { throw BenchmarkFailure(description: "no result") }
    return result
}

// MARK: Attribution: the stand-in's own write rate

/// 4,000 IPLease creates by 4 tasks (the claim workers' concurrency) through one client without
/// rate limit, no controller running: the stand-in + client ceiling for the controller's writes
/// on this machine.
func runStandInWrites(count: Int = 4000, tasks: Int = 4) async throws -> Double {
    var rate = 0.0
    try await withStandIn { _, client in
        let leases = client.resource(IPLease.self)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<tasks {
                group.addTask {
                    for index in stride(from: worker, to: count, by: tasks) {
                        let address = IPAddress(ipv4: 0x0A00_0000 + UInt32(index) + 1)
                        _ = try await leases.create(
                            IPLease(
                                metadata: ObjectMeta(name: address.leaseName, labels: [IPAMAPI.poolLabel: "bench"]),
                                spec: IPLeaseSpec(
                                    address: address.description, pool: "bench",
                                    claimRef: ClaimReference(namespace: "team-0", name: "claim-\(index)", uid: "u-\(index)"))))
                    }
                }
            }
            try await group.waitForAll()
        }
        rate = Double(count) / start.duration(to: .now).seconds
    }
    return rate
}
