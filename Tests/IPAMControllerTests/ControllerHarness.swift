import ControllerRuntime
import Foundation
import IPAM
import IPAMController
import IPAMModel
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import MetricsTestKit
import Synchronization
import Testing

/// The stand-in API server with the IPAM kinds registered, a client, and helpers to run
/// controllers against it and check DESIGN.md's invariants through the API.
struct ControllerHarness {
    let server: FakeAPIServer
    let client: KubernetesClient

    static let fastWatcher = WatcherConfiguration(
        backoff: WatcherBackoff(initial: .milliseconds(10), maximum: .milliseconds(200), minimumHealthyWatch: .milliseconds(1)))

    static func configuration(grace: Duration = .milliseconds(300)) -> IPAMControllerConfiguration {
        IPAMControllerConfiguration(
            claimWorkers: 4, workers: 2, resyncPeriod: .seconds(2), orphanGracePeriod: grace,
            poolStatusInterval: .milliseconds(50), watcher: fastWatcher)
    }

    /// Runs `body` with a stand-in serving every kind the controller uses.
    static func with(_ body: (ControllerHarness) async throws -> Void) async throws {
        try await FakeAPIServer.withRunning { server in
            await server.register(IPPool.self, statusSubresource: true)
            await server.register(IPClaim.self, statusSubresource: true)
            await server.register(IPLease.self, statusSubresource: true)
            await server.register(.pods)
            await server.register(.namespaces)
            await server.register(.events)
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, requestTimeout: .seconds(10))
            ) { client in
                let harness = ControllerHarness(server: server, client: client)
                _ = try await harness.client.resource(Namespace.self).create(
                    Namespace(metadata: ObjectMeta(name: "default", labels: ["team": "core"])))
                try await body(harness)
            }
        }
    }

    /// Runs a controller (or several) while `body` runs; cancels them afterwards.
    func running(
        replicas: Int = 1, configuration: IPAMControllerConfiguration = Self.configuration(),
        metrics: TestMetrics = TestMetrics(), _ body: ([IPAMController]) async throws -> Void
    ) async throws {
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

    // MARK: Writing

    func pool(
        _ name: String, _ cidrs: [String], strategy: String = "Sequential", labels: [String: String]? = nil,
        priority: Int32? = nil, cooldown: Int64? = 0, exclude: [String]? = nil, gateways: [String]? = nil
    ) async throws {
        let spec = IPPoolSpec(
            cidrs: cidrs, exclude: exclude, gateways: gateways, strategy: strategy, priority: priority,
            reuseCooldownSeconds: cooldown)
        _ = try await client.resource(IPPool.self).create(IPPool(metadata: ObjectMeta(name: name, labels: labels), spec: spec))
    }

    @discardableResult
    func claim(
        _ name: String, namespace: String = "default", pool: String? = nil, selector: LabelSelector? = nil,
        families: [String]? = nil, addresses: [String]? = nil
    ) async throws -> IPClaim {
        let spec = IPClaimSpec(pool: pool, poolSelector: selector, ipFamilies: families, addresses: addresses)
        return try await client.resource(IPClaim.self, namespace: namespace).create(
            IPClaim(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
    }

    func deleteClaim(_ name: String, namespace: String = "default") async throws {
        try await client.resource(IPClaim.self, namespace: namespace).delete(name)
    }

    // MARK: Reading

    func claims() async throws -> [IPClaim] { try await client.resource(IPClaim.self).listAll().items }
    func leases() async throws -> [IPLease] { try await client.resource(IPLease.self).listAll().items }
    func pools() async throws -> [IPPool] { try await client.resource(IPPool.self).listAll().items }

    /// The claim's status; `nil` also while the claim does not exist.
    func claimStatus(_ name: String, namespace: String = "default") async throws -> IPClaimStatus? {
        do {
            return try await client.resource(IPClaim.self, namespace: namespace).get(name).status
        } catch {
            guard error.isNotFound else { throw error }
            return nil
        }
    }

    /// The claim's addresses once Bound; nil until then.
    func boundAddresses(_ name: String, namespace: String = "default") async throws -> [String]? {
        guard let status = try await claimStatus(name, namespace: namespace),
            status.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true
        else { return nil }
        return status.addresses?.map(\.address)
    }

    /// The claim's Bound=False reason, if any.
    func waitingReason(_ name: String, namespace: String = "default") async throws -> String? {
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
