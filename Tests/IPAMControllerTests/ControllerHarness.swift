import ControllerRuntime
import Foundation
import IPAM
import IPAMController
import IPAMModel
import IPAMTestSupport
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import MetricsTestKit
import Synchronization
import Testing

/// Where the end-to-end suite runs.
///
/// - By default (`swift test`), against the in-process stand-in, each test with a server of its
///   own and the controller in-process.
/// - With `IPAM_E2E_KUBECONFIG=PATH` (see `hack/e2e-kind.sh`), against that cluster: the CRDs
///   must be installed (`kubectl apply -k config/crd`); each test works in a namespace of its own
///   and deletes what it created. `IPAM_E2E_CONTROLLER=local` (default) runs the controller
///   in-process against the cluster, out-of-cluster like `swift run ipam-controller`;
///   `IPAM_E2E_CONTROLLER=deployed` relies on the one `config/default` deployed, and skips the
///   scenarios that stop, restart or duplicate the controller. Scenarios that need fault
///   injection run only against the stand-in.
enum E2EEnvironment {
    static var kubeconfig: String? {
        ProcessInfo.processInfo.environment["IPAM_E2E_KUBECONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the suite runs against the in-process stand-in.
    static var isStandIn: Bool { kubeconfig == nil }

    /// Whether the controller is the one deployed in the cluster (not run by the tests).
    static var usesDeployedController: Bool {
        !isStandIn && ProcessInfo.processInfo.environment["IPAM_E2E_CONTROLLER"] == "deployed"
    }

    /// Whether the tests start and stop controllers themselves.
    static var controlsController: Bool { !usesDeployedController }
}

/// The API (stand-in or cluster) with the IPAM kinds, a client, and helpers to run controllers
/// against it and check DESIGN.md's invariants through the API.
struct ControllerHarness {
    /// The stand-in; `nil` against a real cluster.
    let server: FakeAPIServer?
    let client: KubernetesClient
    /// The namespace of this test's claims and Pods.
    let namespace: String
    /// Pools this test created (cluster-scoped: deleted afterwards on a real cluster).
    let createdPools = Locked<[String]>([])

    static let fastWatcher = WatcherConfiguration(
        backoff: WatcherBackoff(initial: .milliseconds(10), maximum: .milliseconds(200), minimumHealthyWatch: .milliseconds(1)))

    static func configuration(grace: Duration = .milliseconds(300)) -> IPAMControllerConfiguration {
        IPAMControllerConfiguration(
            claimWorkers: 4, workers: 2, resyncPeriod: .seconds(2), orphanGracePeriod: grace,
            poolStatusInterval: .milliseconds(50), watcher: fastWatcher)
    }

    /// Runs `body` against the environment ``E2EEnvironment`` selects.
    static func with(_ body: (ControllerHarness) async throws -> Void) async throws {
        if let kubeconfig = E2EEnvironment.kubeconfig {
            try await withCluster(kubeconfig: kubeconfig, body)
            return
        }
        try await FakeAPIServer.withRunning { server in
            await server.registerIPAMKinds()
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, requestTimeout: .seconds(10))
            ) { client in
                let harness = ControllerHarness(server: server, client: client, namespace: "default")
                _ = try await harness.client.resource(Namespace.self).create(
                    Namespace(metadata: ObjectMeta(name: "default", labels: ["team": "core"])))
                try await body(harness)
            }
        }
    }

    /// A namespace of its own on a real cluster; everything the test made is deleted afterwards.
    private static func withCluster(kubeconfig: String, _ body: (ControllerHarness) async throws -> Void) async throws {
        let configuration = try ClientConfiguration.fromKubeConfig(paths: [kubeconfig])
        try await KubernetesClient.withClient(configuration: configuration) { client in
            let namespace = "ipam-e2e-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            _ = try await client.resource(Namespace.self).create(
                Namespace(metadata: ObjectMeta(name: namespace, labels: ["team": "core", "ipam-e2e": "true"])))
            let harness = ControllerHarness(server: nil, client: client, namespace: namespace)
            do {
                try await body(harness)
            } catch {
                try? await harness.cleanUp()
                throw error
            }
            try await harness.cleanUp()
        }
    }

    /// Deletes this test's claims (the controller releases their leases), Pods, namespace and
    /// pools. Against the stand-in there is nothing to do: the server goes away.
    func cleanUp() async throws {
        guard server == nil else { return }
        let claims = client.resource(IPClaim.self, namespace: namespace)
        for claim in try await claims.list().items { _ = try? await claims.delete(claim.metadata.name ?? "") }
        let pods = client.resource(Pod.self, namespace: namespace)
        for pod in try await pods.list().items { _ = try? await pods.delete(pod.metadata.name ?? "") }
        _ = try? await client.resource(Namespace.self).delete(namespace)
        for pool in createdPools.value { _ = try? await client.resource(IPPool.self).delete(pool) }
    }

    /// Runs a controller (or several) while `body` runs; cancels them afterwards. With a deployed
    /// controller, runs only `body`.
    func running(
        replicas: Int = 1, configuration: IPAMControllerConfiguration = Self.configuration(),
        metrics: TestMetrics = TestMetrics(), _ body: ([IPAMController]) async throws -> Void
    ) async throws {
        guard E2EEnvironment.controlsController else {
            try await body([])
            return
        }
        let controllers = (0..<replicas).map { index in
            IPAMController(
                client: client, configuration: configuration, identity: "replica-\(index)",
                logger: Logger(label: "ipam-test"), metricsFactory: metrics)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for controller in controllers { group.addTask { try await controller.run() } }
            defer { group.cancelAll() }
            try await body(controllers)
        }
    }

    /// A Pod that a real cluster accepts (one pause container).
    func pod(_ name: String, annotations: [String: String]? = nil) -> Pod {
        Pod(
            metadata: ObjectMeta(name: name, namespace: namespace, annotations: annotations),
            spec: Pod.Spec(containers: [Pod.Container(name: "pause", image: "registry.k8s.io/pause:3.10")]))
    }

    // MARK: Writing

    func pool(
        _ name: String, _ cidrs: [String], strategy: String = "Sequential", labels: [String: String]? = nil,
        priority: Int32? = nil, cooldown: Int64? = 0, exclude: [String]? = nil, gateways: [String]? = nil
    ) async throws {
        let spec = IPPoolSpec(
            cidrs: cidrs, exclude: exclude, gateways: gateways, strategy: strategy, priority: priority,
            reuseCooldownSeconds: cooldown)
        _ = try await client.resource(IPPool.self).create(IPPool(metadata: ObjectMeta(name: name, labels: labels), spec: spec))
        createdPools.withLock { $0.append(name) }
    }

    @discardableResult
    func claim(
        _ name: String, namespace: String? = nil, pool: String? = nil, selector: LabelSelector? = nil,
        families: [String]? = nil, addresses: [String]? = nil
    ) async throws -> IPClaim {
        let namespace = namespace ?? self.namespace
        let spec = IPClaimSpec(pool: pool, poolSelector: selector, ipFamilies: families, addresses: addresses)
        return try await client.resource(IPClaim.self, namespace: namespace).create(
            IPClaim(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
    }

    func deleteClaim(_ name: String, namespace: String? = nil) async throws {
        try await client.resource(IPClaim.self, namespace: namespace ?? self.namespace).delete(name)
    }

    // MARK: Reading

    /// This test's claims (its namespace).
    func claims() async throws -> [IPClaim] {
        try await client.resource(IPClaim.self, namespace: namespace).listAll().items
    }

    /// The leases of this test's pools.
    func leases() async throws -> [IPLease] {
        let pools = Set(createdPools.value)
        return try await client.resource(IPLease.self).listAll().items.filter { pools.contains($0.spec.pool) }
    }

    /// This test's pools.
    func pools() async throws -> [IPPool] {
        let pools = Set(createdPools.value)
        return try await client.resource(IPPool.self).listAll().items.filter { pools.contains($0.metadata.name ?? "") }
    }

    /// The claim's status; `nil` also while the claim does not exist.
    func claimStatus(_ name: String, namespace: String? = nil) async throws -> IPClaimStatus? {
        do {
            return try await client.resource(IPClaim.self, namespace: namespace ?? self.namespace).get(name).status
        } catch {
            guard error.isNotFound else { throw error }
            return nil
        }
    }

    /// The claim's addresses once Bound; nil until then.
    func boundAddresses(_ name: String, namespace: String? = nil) async throws -> [String]? {
        guard let status = try await claimStatus(name, namespace: namespace),
            status.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true
        else { return nil }
        return status.addresses?.map(\.address)
    }

    /// The claim's Bound=False reason, if any.
    func waitingReason(_ name: String, namespace: String? = nil) async throws -> String? {
        guard let condition = try await claimStatus(name, namespace: namespace)?.conditions?
            .condition(ofType: IPAMAPI.ConditionType.bound), condition.status == .false
        else { return nil }
        return condition.reason
    }

    /// Waits until `condition` holds (polling the API), for at most `limit`.
    @discardableResult
    func eventually(
        _ what: Comment, within limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while true {
            if try await condition() { return true }
            guard clock.now < deadline else {
                Issue.record("timed out waiting for: \(what)", sourceLocation: sourceLocation)
                return false
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Invariants

    /// DESIGN.md invariants 1, 2 and 4, read from the API server: no address twice among live
    /// leases and Bound claims; every address of a Bound claim has a lease naming the claim's
    /// UID; every lease lies in its pool's allocatable space.
    func expectInvariants(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let leases = try await leases()
        let claims = try await claims()
        let pools = try await pools()
        let live = leases.filter { !$0.isReleased }

        // 1. A lease is named by its address, and no two claims hold one address.
        for lease in leases {
            let address = try IPAddress(lease.spec.address)
            #expect(lease.metadata.name == address.leaseName, "lease named by its address", sourceLocation: sourceLocation)
        }
        var holders: [String: String] = [:]
        for claim in claims where claim.status?.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true {
            for address in claim.status?.addresses ?? [] {
                let owner = "\(claim.metadata.namespace ?? "")/\(claim.metadata.name ?? "")"
                if let other = holders.updateValue(owner, forKey: address.address) {
                    Issue.record("\(address.address) held by \(other) and \(owner)", sourceLocation: sourceLocation)
                }
            }
        }
        // 2. Every address of a Bound claim has its lease, naming the claim's UID.
        let byAddress = Dictionary(live.map { ($0.spec.address, $0) }, uniquingKeysWith: { first, _ in first })
        for claim in claims where claim.status?.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true
            && claim.metadata.deletionTimestamp == nil
        {
            for address in claim.status?.addresses ?? [] {
                let lease = byAddress[address.address]
                #expect(
                    lease?.spec.claimRef.uid == claim.metadata.uid,
                    "lease of \(address.address) names claim \(claim.metadata.name ?? "")", sourceLocation: sourceLocation)
            }
        }
        // 4. Inside the pool, outside exclude, gateways, network and broadcast.
        let definitions = Dictionary(
            pools.compactMap { pool in (try? PoolDefinition(validating: pool)).map { ($0.name, $0) } },
            uniquingKeysWith: { first, _ in first })
        for lease in leases {
            guard let definition = definitions[lease.spec.pool] else {
                Issue.record("lease \(lease.metadata.name ?? "") names unknown pool \(lease.spec.pool)", sourceLocation: sourceLocation)
                continue
            }
            let address = try IPAddress(lease.spec.address)
            #expect(
                definition.makeAllocator().state(of: address) == .free,
                "\(address) is allocatable in \(lease.spec.pool)", sourceLocation: sourceLocation)
        }
    }
}

/// A value shared between test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    @discardableResult
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
