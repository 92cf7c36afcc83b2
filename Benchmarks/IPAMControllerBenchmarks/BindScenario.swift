import ControllerRuntime
import Foundation
import IPAMController
import IPAMModel
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import MetricsTestKit
import Synchronization

/// Scenarios 1 and 2: N claims (namespaces × claims each) on one IPv4 pool, created at once.
struct BindScenario: Sendable {
    var namespaces: Int
    var claimsPerNamespace: Int
    var cidrs: [String]
    var exclude: [String]?
    var expectedPoolSize: Int?
    /// Delete everything and create the same claims again.
    var recreate: Bool
    /// Tasks creating claims concurrently.
    var creators = 8
    /// How often the stand-in's claims are read while waiting (the latency resolution).
    var pollInterval: Duration
    var limit: Duration

    var total: Int { namespaces * claimsPerNamespace }

    /// `team-N/claim-M`, in creation order interleaved across namespaces.
    var names: [(namespace: String, name: String)] {
        (0..<claimsPerNamespace).flatMap { claim in
            (0..<namespaces).map { namespace in ("team-\(namespace)", "claim-\(claim)") }
        }
    }
}

/// One create-until-Bound wave.
struct Wave: Sendable {
    /// First create sent → every claim seen Bound in the stand-in.
    var allBound: Duration
    /// First create sent → last create answered.
    var created: Duration
    /// Per claim: its create answered → first seen Bound (poll resolution).
    var p50: Duration
    var p99: Duration
    var max: Duration
    /// Writes until every claim was Bound, and after the log went quiet (pool status, events).
    var writesAtBound: WriteCount
    var writesSettled: WriteCount
    var settled: Bool
    /// `ipam_lease_conflicts_total` during the wave.
    var conflictMetric: Int64
    var duplicates: Int
    var bound: Int
    var leases: Int
    var timeline: [String]
    /// This process's CPU seconds from the first create to all Bound, and the load average then.
    var cpu: Double
    var load: String
}

struct BindResult: Sendable {
    var first: Wave
    /// Delete of every claim sent → no claim and no lease left.
    var deletion: Duration?
    var again: Wave?
}

extension BindScenario {
    func run(options: Options) async throws -> BindResult {
        let pool = try poolObject("bench", cidrs: cidrs, exclude: exclude, expectedSize: expectedPoolSize)
        var result: BindResult?
        try await withStandIn { server, workload in
            try await seedNamespaces(server, count: namespaces)
            try await server.seed(JSONValue(encoding: pool))
            let metrics = TestMetrics()
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL), options: options.clientOptions, logger: quiet
            ) { client in
                let controller = IPAMController(
                    client: client, configuration: options.controllerConfiguration, identity: "bench-0", logger: quiet,
                    metricsFactory: metrics)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await controller.run() }
                    defer { group.cancelAll() }
                    try await waitUntilReady(controller, server)
                    let first = try await wave(
                        server: server, workload: workload, controller: controller, metrics: metrics, options: options)
                    guard recreate else {
                        result = BindResult(first: first)
                        return
                    }
                    let deletion = try await deleteAll(server: server, workload: workload)
                    let again = try await wave(
                        server: server, workload: workload, controller: controller, metrics: metrics, options: options)
                    result = BindResult(first: first, deletion: deletion, again: again)
                }
            }
        }
        guard let result else { throw BenchmarkFailure(description: "no result") }
        return result
    }

    /// Caches synced, workers started, the pool's finalizer and Ready status written.
    private func waitUntilReady(_ controller: IPAMController, _ server: FakeAPIServer) async throws {
        try await waitUntil("controller ready", within: .seconds(60)) {
            guard controller.cache.hasSynced, controller.controllers.allSatisfy(\.hasStarted) else { return false }
            let pool = try await server.object(IPPool.self, name: "bench")
            return pool?.status?.conditions?.isTrue(IPAMAPI.ConditionType.ready) == true
        }
        _ = try await waitForQuietRequestLog(server, quiet: .milliseconds(500), within: .seconds(10))
    }

    private func wave(
        server: FakeAPIServer, workload: KubernetesClient, controller: IPAMController, metrics: TestMetrics,
        options: Options
    ) async throws -> Wave {
        server.clearRequestLog()
        let conflictsBefore = metrics.counterTotal(label: "ipam_lease_conflicts_total")
        let names = self.names
        let created = Instants()
        let total = self.total
        let load = loadAverage()
        let cpuBefore = processCPUSeconds()
        let start = ContinuousClock.now
        var seenBound: [String: ContinuousClock.Instant] = [:]
        var allBoundAt = start
        var timeline: [String] = []
        let wantsTimeline = options.timeline
        var lastCreated = start

        typealias PollOutcome = (bound: [String: ContinuousClock.Instant], at: ContinuousClock.Instant, timeline: [String])
        try await withThrowingTaskGroup(of: PollOutcome?.self) { group in
            for worker in 0..<creators {
                group.addTask {
                    for index in stride(from: worker, to: names.count, by: creators) {
                        let (namespace, name) = names[index]
                        _ = try await workload.resource(IPClaim.self, namespace: namespace).create(
                            IPClaim(metadata: ObjectMeta(name: name, namespace: namespace), spec: IPClaimSpec(pool: "bench")))
                        let now = ContinuousClock.now
                        created.record("\(namespace)/\(name)", now)
                    }
                    return nil
                }
            }
            // The poller: the stand-in's objects directly (no HTTP, no decoding).
            group.addTask {
                var bound: [String: ContinuousClock.Instant] = [:]
                var timeline: [String] = []
                var nextSample = start
                var lastPoll = Duration.zero
                var polls = 0
                var pollTime = Duration.zero
                let deadline = start.advanced(by: limit)
                while bound.count < total {
                    if wantsTimeline, ContinuousClock.now >= nextSample {
                        // Sampled, not every poll: reading the request log copies it.
                        nextSample = nextSample.advanced(by: .milliseconds(250))
                        let queues = controller.controllers.map { "\($0.name) \($0.queue.count)+\($0.queue.processingCount)" }
                        timeline.append(
                            "t=\(start.duration(to: .now).ms) created \(created.count) bound \(bound.count) "
                                + "requests \(server.requests.count) queues [\(queues.joined(separator: ", "))]")
                    }
                    guard ContinuousClock.now < deadline else {
                        throw BenchmarkFailure(description: "only \(bound.count) of \(total) claims Bound after \(limit)")
                    }
                    // At most ~5% of one core: a poll of 10,000 claims (the stand-in sorts them,
                    // holding its actor) takes milliseconds, and polling every 25 ms regardless
                    // measurably slowed the run it measures.
                    try await Task.sleep(for: Swift.max(pollInterval, lastPoll * 19))
                    let pollStart = ContinuousClock.now
                    let claims = try await storedClaims(server)
                    let now = ContinuousClock.now
                    for claim in claims where isBound(claim) {
                        let key = claimKey(claim)
                        if bound[key] == nil { bound[key] = now }
                    }
                    lastPoll = pollStart.duration(to: .now)
                    polls += 1
                    pollTime += lastPoll
                }
                timeline.append("polls \(polls), mean poll \(format((pollTime / polls).seconds * 1000, 2)) ms")
                return (bound, .now, timeline)
            }
            for try await outcome in group {
                if let outcome { (seenBound, allBoundAt, timeline) = outcome }
            }
        }
        let cpu = processCPUSeconds() - cpuBefore
        let createdAt = created.all
        lastCreated = createdAt.values.max() ?? start
        let writesAtBound = WriteCount(server.requests)
        let settled = try await waitForQuietRequestLog(server, quiet: .milliseconds(1500), within: .seconds(120))
        let writesSettled = WriteCount(server.requests)

        var latencies: [Duration] = []
        for (key, boundAt) in seenBound {
            guard let createdAt = createdAt[key] else { continue }
            latencies.append(Swift.max(.zero, createdAt.duration(to: boundAt)))
        }

        // Duplicates: an address in two Bound claims.
        let claims = try await storedClaims(server)
        var holders: [String: String] = [:]
        var duplicates = 0
        var bound = 0
        for claim in claims where isBound(claim) {
            bound += 1
            for address in boundAddresses(claim) where holders.updateValue(claimKey(claim), forKey: address) != nil {
                duplicates += 1
            }
        }
        let leases = try await storedLeases(server).count

        return Wave(
            allBound: start.duration(to: allBoundAt), created: start.duration(to: lastCreated),
            p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: quantile(latencies, 1),
            writesAtBound: writesAtBound, writesSettled: writesSettled, settled: settled,
            conflictMetric: metrics.counterTotal(label: "ipam_lease_conflicts_total") - conflictsBefore,
            duplicates: duplicates, bound: bound, leases: leases, timeline: timeline,
            cpu: cpu, load: load)
    }

    /// Deletes every claim (concurrently), then waits until no claim (finalizers released) and no
    /// lease (cooldown 0: released leases are deleted at once) is left.
    private func deleteAll(server: FakeAPIServer, workload: KubernetesClient) async throws -> Duration {
        let names = self.names
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<creators {
                group.addTask {
                    for index in stride(from: worker, to: names.count, by: creators) {
                        let (namespace, name) = names[index]
                        _ = try await workload.resource(IPClaim.self, namespace: namespace).delete(name)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await waitUntil("claims and leases gone", every: pollInterval, within: limit) {
            let claims = try await storedClaims(server)
            let leases = try await storedLeases(server)
            return claims.isEmpty && leases.isEmpty
        }
        let elapsed = start.duration(to: .now)
        // Let the pool status and events of the release settle before the next wave.
        _ = try await waitForQuietRequestLog(server, quiet: .milliseconds(1500), within: .seconds(120))
        return elapsed
    }
}

/// Instants by claim key, written from several tasks.
final class Instants: Sendable {
    private let instants = Mutex<[String: ContinuousClock.Instant]>([:])

    func record(_ key: String, _ instant: ContinuousClock.Instant) {
        instants.withLock { $0[key] = instant }
    }

    var all: [String: ContinuousClock.Instant] { instants.withLock { $0 } }
    var count: Int { instants.withLock { $0.count } }
}
