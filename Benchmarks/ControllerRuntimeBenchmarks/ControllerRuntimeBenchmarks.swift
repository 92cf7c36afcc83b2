// ControllerRuntime benchmarks (issue 4): how many objects and watch events per second flow
// through watcher → store → work queue → a no-op reconciler, and what one cached object costs.
//
//   hack/benchmark.sh --target ControllerRuntimeBenchmarks
//
// Everything runs in one process against the in-process stand-in (FakeAPIServer) over plain
// HTTP on loopback, with no client-side rate limit: the stand-in, the client and the controller
// share the machine's cores, so every rate below is an end-to-end figure on this machine. The
// "stand-in only" benchmarks measure the stand-in's own share, so a reader can tell whose limit a
// figure is.
//
// The objects: 100,000 IPClaims as the controller would leave them, in 100 namespaces: name,
// namespace, uid, generation, creationTimestamp, three labels, a finalizer, a controller owner
// reference to their Pod, spec (pool, two families) and status (pool, an IPv4 and an IPv6 address
// with gateways, two conditions); about 1.2 KB of JSON each (`IPClaim JSON bytes` reports the
// exact size as the stand-in serves it). They are seeded straight into the stand-in's store
// (`FakeAPIServer.seed`: one actor call each, no HTTP) before the measured region.
//
// Benchmarks (each iteration starts a fresh stand-in and seeds it; only the marked region is
// measured; 3 iterations, medians are what to quote):
// - initial sync, pages of P: from starting a Reflector (list in pages of P, then watch) and a
//   Controller (4 workers, reconciler returns `.done`) until the reconciler has been called
//   100,000 times. `objects/s` = 100,000 / that time. `listed+stored ms` is the time until the
//   store had applied the listing (list requests, stand-in, HTTP, decoding, store, enqueueing);
//   `reconciled ms` the rest (the queue drained by the workers).
// - stand-in + client only, list: the same paged listing with `ResourceClient.listAll`, nothing
//   else: the share of the initial sync that is not the controller runtime's.
// - steady state: with the 100,000 synced and reconciled and the watch open, 20,000 objects (every
//   5th) are modified once each through `FakeAPIServer.seed` (a direct store write that produces a
//   MODIFIED watch event, no HTTP request) from one task, while the measurement waits until the
//   reconciler has been called 20,000 more times. `events/s` = 20,000 / that time. `stand-in
//   writes/s` is how fast the producer got its 20,000 writes done meanwhile (if it is close to
//   `events/s`, the stand-in was the limit).
// - stand-in only, writes: the same 20,000 writes with no watch open: the stand-in's ceiling.
// - memory: see the comment on that benchmark.
import Benchmark
import ControllerRuntime
import Foundation
import IPAMModel
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import Synchronization

let objectCount = 100_000
let modificationCount = 20_000
let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

// MARK: Objects

/// A UUID-shaped, deterministic uid: the same object gets the same uid in every revision.
func uid(_ index: Int, tag: String) -> String {
    let hex = String(index, radix: 16)
    return "\(tag)000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
}

/// IPClaim number `index` as the stand-in stores it; `revision` changes the Ready condition's
/// message only (a status update).
func claimJSON(_ index: Int, revision: Int = 0) -> JSONValue {
    let app = "app-\(index % 50)"
    let name = "\(app)-7d4b9c8f6d-\(index)"
    let v4 = "10.\(index >> 16 & 0xff).\(index >> 8 & 0xff).\(index & 0xff)"
    let v6 = "fd00:10::\(String(index, radix: 16))"
    let time: JSONValue = "2025-06-01T12:00:00Z"
    return [
        "apiVersion": .string(IPClaim.apiVersion),
        "kind": .string(IPClaim.kind),
        "metadata": [
            "name": .string(name),
            "namespace": .string("team-\(index % 100)"),
            "uid": .string(uid(index, tag: "c1")),
            "generation": 1,
            "creationTimestamp": time,
            "labels": ["app": .string(app), "pod-template-hash": "7d4b9c8f6d", "ipam.swift-ipam.io/pool": "blue"],
            "finalizers": [.string(IPAMAPI.finalizer)],
            "ownerReferences": [
                [
                    "apiVersion": "v1", "kind": "Pod", "name": .string(name), "uid": .string(uid(index, tag: "90")),
                    "controller": true, "blockOwnerDeletion": true,
                ]
            ],
        ],
        "spec": ["pool": "blue", "ipFamilies": ["IPv4", "IPv6"]],
        "status": [
            "observedGeneration": 1,
            "pool": "blue",
            "addresses": [
                ["address": .string(v4), "prefixLength": 8, "gateway": "10.0.0.1"],
                ["address": .string(v6), "prefixLength": 64, "gateway": "fd00:10::1"],
            ],
            "conditions": [
                [
                    "type": "Allocated", "status": "True", "observedGeneration": 1, "lastTransitionTime": time,
                    "reason": "Allocated", "message": .string("allocated \(v4), \(v6) from pool blue"),
                ],
                [
                    "type": "Ready", "status": "True", "observedGeneration": 1, "lastTransitionTime": time,
                    "reason": "LeasesBound", "message": .string("leases bound (revision \(revision))"),
                ],
            ],
        ],
    ]
}

/// The modifications of the steady-state benchmarks: every 5th object, once each.
func modifications() -> [JSONValue] {
    (0..<modificationCount).map { claimJSON($0 * (objectCount / modificationCount), revision: 1) }
}

// MARK: Harness

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}

/// Counts reconcile calls; waited on by polling (1 ms), which keeps the wait cancellable.
final class ReconcileCounter: Sendable {
    private let calls = Atomic<Int>(0)

    var count: Int { calls.load(ordering: .acquiring) }

    func record() {
        calls.add(1, ordering: .releasing)
    }

    func wait(for target: Int, timeout: Duration = .seconds(600)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while count < target {
            guard ContinuousClock.now < deadline else {
                throw BenchmarkFailure(description: "only \(count) of \(target) reconciles after \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// The no-op reconciler: counts and returns `.done`.
struct CountingReconciler: Reconciler {
    let counter: ReconcileCounter

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        counter.record()
        return .done
    }
}

/// A stand-in holding the 100,000 claims, and a client of it without rate limit.
func withSeededStandIn(
    historyLimit: Int = 1000, _ body: (FakeAPIServer, KubernetesClient) async throws -> Void
) async throws {
    let configuration = FakeAPIServer.Configuration(
        watchHistoryLimit: historyLimit, isGarbageCollectorEnabled: false, logger: quiet)
    try await FakeAPIServer.withRunning(configuration) { server in
        await server.register(IPClaim.self, statusSubresource: true)
        for index in 0..<objectCount { try await server.seed(claimJSON(index)) }
        try await KubernetesClient.withClient(
            configuration: ClientConfiguration(server: server.baseURL), options: .init(qps: nil), logger: quiet
        ) { client in
            try await body(server, client)
        }
    }
}

/// Runs a Reflector of all claims and a Controller (4 workers, no resync) reconciling them
/// while `body` runs.
func withController(
    _ client: KubernetesClient, pageSize: Int, counter: ReconcileCounter,
    _ body: (Reflector<IPClaim, ContinuousClock>) async throws -> Void
) async throws {
    let reflector = Reflector(
        client: client.resource(IPClaim.self), configuration: WatcherConfiguration(pageSize: pageSize), logger: quiet)
    let controller = Controller(
        name: "bench", reconciler: CountingReconciler(counter: counter),
        configuration: ControllerConfiguration(workers: 4, resyncPeriod: nil), logger: quiet)
    controller.reconciles(reflector)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await reflector.run() }
        group.addTask { try await controller.run() }
        defer { group.cancelAll() }
        try await body(reflector)
    }
}

/// Waits until the stand-in has answered a watch request, then a little longer for it to go live.
func waitForWatch(_ server: FakeAPIServer) async throws {
    while !server.requests.contains(where: { $0.verb == .watch }) {
        try await Task.sleep(for: .milliseconds(5))
    }
    try await Task.sleep(for: .milliseconds(200))
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Int { Int((seconds * 1000).rounded()) }
}

func rate(_ count: Int, _ duration: Duration) -> Int {
    Int((Double(count) / duration.seconds).rounded())
}

/// Bytes in use in the C heap (every arena, plus mmapped chunks), from glibc's `malloc_info(3)`:
/// the totals after the last `</heap>`, `system current − fast − rest + mmap` (`rest` includes
/// the top chunk). Looked up with `dlsym` because Swift's Glibc module does not import
/// `<malloc.h>`. `nil` where unavailable (not glibc).
func heapBytesInUse() -> Int? {
    #if os(Linux)
    typealias MallocInfo = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32
    guard let symbol = dlsym(nil, "malloc_info") else { return nil }
    let mallocInfo = unsafeBitCast(symbol, to: MallocInfo.self)
    var buffer: UnsafeMutablePointer<CChar>?
    var length = 0
    guard let stream = open_memstream(&buffer, &length) else { return nil }
    let status = mallocInfo(0, stream)
    fclose(stream)
    guard let buffer else { return nil }
    defer { free(buffer) }
    guard status == 0 else { return nil }
    let xml = String(cString: buffer)
    guard let totals = xml.components(separatedBy: "</heap>").last else { return nil }
    func size(of tag: String) -> Int? {
        guard let start = totals.range(of: tag) else { return nil }
        let rest = totals[start.upperBound...]
        guard let attribute = rest.range(of: "size=\"") else { return nil }
        return Int(rest[attribute.upperBound...].prefix { $0.isNumber })
    }
    guard let system = size(of: #"<system type="current""#), let fast = size(of: #"<total type="fast""#),
        let other = size(of: #"<total type="rest""#), let mmap = size(of: #"<total type="mmap""#)
    else { return nil }
    return system - fast - other + mmap
    #else
    return nil
    #endif
}

// MARK: Metrics

let objectsPerSecond = BenchmarkMetric.custom("objects/s", polarity: .prefersLarger, useScalingFactor: false)
let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)
let writesPerSecond = BenchmarkMetric.custom("stand-in writes/s", polarity: .prefersLarger, useScalingFactor: false)
let listedMilliseconds = BenchmarkMetric.custom("listed+stored ms", useScalingFactor: false)
let reconciledMilliseconds = BenchmarkMetric.custom("reconciled ms", useScalingFactor: false)
let heapBytesPerObject = BenchmarkMetric.custom("heap bytes/object", useScalingFactor: false)
let jsonBytesPerObject = BenchmarkMetric.custom("IPClaim JSON bytes", useScalingFactor: false)
let inlineBytesPerObject = BenchmarkMetric.custom("IPClaim stride bytes", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock], warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(600),
        maxIterations: 3)

    precondition(
        (try? claimJSON(0).decode(as: IPClaim.self))?.status?.conditions?.count == 2, "claimJSON is not an IPClaim")

    // 1a. Initial sync: list → store → queue → reconciler, 100,000 objects.
    for pageSize in [500, 10_000] {
        Benchmark(
            "initial sync, 100k IPClaims, pages of \(pageSize)",
            configuration: .init(
                metrics: [.wallClock, objectsPerSecond, listedMilliseconds, reconciledMilliseconds, .peakMemoryResident])
        ) { benchmark in
            try await withSeededStandIn { _, client in
                let counter = ReconcileCounter()
                benchmark.startMeasurement()
                let start = ContinuousClock.now
                try await withController(client, pageSize: pageSize, counter: counter) { reflector in
                    await reflector.store.waitUntilSynced()
                    let stored = start.duration(to: .now)
                    try await counter.wait(for: objectCount)
                    let reconciled = start.duration(to: .now)
                    benchmark.stopMeasurement()
                    benchmark.measurement(objectsPerSecond, rate(objectCount, reconciled))
                    benchmark.measurement(listedMilliseconds, stored.milliseconds)
                    benchmark.measurement(reconciledMilliseconds, (reconciled - stored).milliseconds)
                    guard reflector.store.count == objectCount else {
                        throw BenchmarkFailure(description: "store holds \(reflector.store.count) objects")
                    }
                }
            }
        }

        // The listing alone (stand-in, HTTP, decoding), to attribute the figure above.
        Benchmark(
            "stand-in + client only: list 100k IPClaims, pages of \(pageSize)",
            configuration: .init(metrics: [.wallClock, objectsPerSecond])
        ) { benchmark in
            try await withSeededStandIn { _, client in
                benchmark.startMeasurement()
                let start = ContinuousClock.now
                let listing = try await client.resource(IPClaim.self).listAll(pageSize: pageSize)
                let elapsed = start.duration(to: .now)
                benchmark.stopMeasurement()
                benchmark.measurement(objectsPerSecond, rate(listing.items.count, elapsed))
                guard listing.items.count == objectCount else {
                    throw BenchmarkFailure(description: "listed \(listing.items.count) objects")
                }
            }
        }
    }

    // 1b. Steady state: 20,000 MODIFIED events over the watch, with 100,000 objects cached.
    Benchmark(
        "steady state, 20k watch events over 100k synced IPClaims",
        configuration: .init(metrics: [.wallClock, eventsPerSecond, writesPerSecond])
    ) { benchmark in
        let changes = modifications()
        // History deep enough that a watch opened late replays the changes instead of relisting.
        try await withSeededStandIn(historyLimit: modificationCount + 1000) { server, client in
            let counter = ReconcileCounter()
            try await withController(client, pageSize: 10_000, counter: counter) { reflector in
                try await counter.wait(for: objectCount)
                try await waitForWatch(server)
                benchmark.startMeasurement()
                let start = ContinuousClock.now
                var produced = Duration.zero
                try await withThrowingTaskGroup(of: Duration?.self) { group in
                    group.addTask {
                        let begin = ContinuousClock.now
                        for change in changes { try await server.seed(change) }
                        return begin.duration(to: .now)
                    }
                    group.addTask {
                        try await counter.wait(for: objectCount + modificationCount)
                        return nil
                    }
                    for try await result in group {
                        if let result { produced = result }
                    }
                }
                let elapsed = start.duration(to: .now)
                benchmark.stopMeasurement()
                benchmark.measurement(eventsPerSecond, rate(modificationCount, elapsed))
                benchmark.measurement(writesPerSecond, rate(modificationCount, produced))
                guard reflector.watcher.completedListings == 1 else {
                    throw BenchmarkFailure(description: "the watcher relisted: not a steady-state figure")
                }
                try await Task.sleep(for: .milliseconds(100))
                guard counter.count == objectCount + modificationCount else {
                    throw BenchmarkFailure(description: "\(counter.count - objectCount) reconciles for \(modificationCount) changes")
                }
            }
        }
    }

    // The stand-in's own write rate: the same writes with no watch open.
    Benchmark(
        "stand-in only: 20k writes via seed, no watch open",
        configuration: .init(metrics: [.wallClock, writesPerSecond])
    ) { benchmark in
        let changes = modifications()
        try await withSeededStandIn { server, _ in
            benchmark.startMeasurement()
            let start = ContinuousClock.now
            for change in changes { try await server.seed(change) }
            let elapsed = start.duration(to: .now)
            benchmark.stopMeasurement()
            benchmark.measurement(writesPerSecond, rate(modificationCount, elapsed))
        }
    }

    // 2. Memory per cached object.
    //
    // A Reflector lists the 100,000 claims (pages of 10,000) into its Store and is cancelled once
    // synced; the Store is kept, everything else (watcher, list pages, connections) is released.
    // `heap bytes/object` = (C heap in use with the Store alive − C heap in use right after the
    // Store is released) / 100,000, both read with malloc_info(3) (see `heapBytesInUse`): what
    // freeing the Store gives back, i.e. what it retains: the dictionary's buckets (inline
    // IPClaim + key, at the dictionary's load factor) and every string, array and dictionary the
    // objects point to, with glibc's per-chunk overhead. Caveat: the benchmark's malloc interposer
    // adds a 16-byte header to each allocation, so this reads 16 × (allocations per object) bytes
    // high compared with the same process without the interposer; `mallocFreeDelta` / 100,000 is
    // the number of live allocations per object to correct by.
    //
    // Cross-checks over the measured region (from creating the Reflector until the Store is
    // synced and the rest released): `memoryLeakedBytes` = bytes requested and not freed (no
    // allocator overhead, no interposer header) ≈ retained requested bytes of the Store;
    // `mallocFreeDelta` = allocations not freed. `IPClaim stride bytes` is
    // MemoryLayout<IPClaim>.stride (the inline part, stored in the dictionary's buckets), and
    // `IPClaim JSON bytes` the object's size as the stand-in serves it.
    Benchmark(
        "memory, Store<IPClaim> holding 100k",
        configuration: .init(
            metrics: [
                .memoryLeakedBytes, .mallocFreeDelta, .peakMemoryResident, heapBytesPerObject, jsonBytesPerObject,
                inlineBytesPerObject,
            ])
    ) { benchmark in
        try await withSeededStandIn { server, client in
            let sample = await server.object(
                group: IPClaim.group, plural: IPClaim.plural, namespace: "team-0", name: "app-0-7d4b9c8f6d-0")
            // Warm the client's connection pool outside the measured region.
            _ = try await client.resource(IPClaim.self).list(ListOptions(limit: 1))

            benchmark.startMeasurement()
            var store: Store<IPClaim>? = await syncedStore(client)
            try await Task.sleep(for: .milliseconds(200))  // let the closed connections' buffers go
            let withStore = heapBytesInUse()
            benchmark.stopMeasurement()

            let cached = store?.count ?? 0
            store = nil
            let withoutStore = heapBytesInUse()
            guard cached == objectCount else { throw BenchmarkFailure(description: "store held \(cached) objects") }
            if let withStore, let withoutStore {
                benchmark.measurement(heapBytesPerObject, (withStore - withoutStore) / objectCount)
            }
            benchmark.measurement(jsonBytesPerObject, sample?.serialized().count ?? 0)
            benchmark.measurement(inlineBytesPerObject, MemoryLayout<IPClaim>.stride)
        }
    }
}

/// Lists and watches the claims until the store has synced, then stops; returns the store.
func syncedStore(_ client: KubernetesClient) async -> Store<IPClaim> {
    let reflector = Reflector(
        client: client.resource(IPClaim.self), configuration: WatcherConfiguration(pageSize: 10_000), logger: quiet)
    await withTaskGroup(of: Void.self) { group in
        group.addTask { try? await reflector.run() }
        await reflector.store.waitUntilSynced()
        group.cancelAll()
    }
    return reflector.store
}
