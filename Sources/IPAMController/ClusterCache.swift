public import ControllerRuntime
import IPAM
public import IPAMModel
public import KubernetesClient
public import KubernetesCore
public import Logging

/// The informer caches the controller reads from: pools, claims, leases, Pods and namespaces,
/// each a ``Reflector`` with the indexes the reconcilers query.
///
/// Everything the controller decides is read from here; everything it writes goes to the API
/// server, and comes back through these caches. Nothing else is kept that could not be rebuilt
/// by listing again (DESIGN.md invariant 6).
public final class ClusterCache: Sendable {
    /// IPLeases by `spec.pool`.
    static let leasePoolIndex = "spec.pool"
    /// IPLeases by `spec.claimRef.uid`.
    static let leaseClaimIndex = "spec.claimRef.uid"
    /// IPClaims not Bound, under the value `"true"`.
    static let waitingClaimIndex = "waiting"

    public let pools: Reflector<IPPool, ContinuousClock>
    public let claims: Reflector<IPClaim, ContinuousClock>
    public let leases: Reflector<IPLease, ContinuousClock>
    public let pods: Reflector<Pod, ContinuousClock>
    public let namespaces: Reflector<Namespace, ContinuousClock>

    /// Caches of every object of the five kinds the controller reads, cluster-wide.
    public init(client: KubernetesClient, watcher: WatcherConfiguration = .init(), logger: Logger) {
        pools = Reflector(client: client.resource(IPPool.self), configuration: watcher, logger: logger)
        claims = Reflector(
            client: client.resource(IPClaim.self), configuration: watcher,
            indexes: [
                StoreIndex(name: Self.waitingClaimIndex) { claim in
                    claim.status?.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true ? [] : ["true"]
                },
                .namespace,
            ],
            logger: logger)
        leases = Reflector(
            client: client.resource(IPLease.self), configuration: watcher,
            indexes: [
                StoreIndex(name: Self.leasePoolIndex) { [$0.spec.pool] },
                StoreIndex(name: Self.leaseClaimIndex) { lease in lease.spec.claimRef.uid.map { [$0] } ?? [] },
            ],
            logger: logger)
        pods = Reflector(client: client.resource(Pod.self), configuration: watcher, logger: logger)
        namespaces = Reflector(client: client.resource(Namespace.self), configuration: watcher, logger: logger)
    }

    /// Health of the five caches (ready when synced, live unless a watcher is wedged).
    public var healthChecks: [HealthCheck] {
        [pools.healthCheck, claims.healthCheck, leases.healthCheck, pods.healthCheck, namespaces.healthCheck]
    }

    /// Whether every cache has synced.
    public var hasSynced: Bool {
        pools.store.hasSynced && claims.store.hasSynced && leases.store.hasSynced && pods.store.hasSynced
            && namespaces.store.hasSynced
    }

    /// The keys of the claims waiting to be bound.
    func waitingClaims() -> [ObjectKey] {
        claims.store.keys(in: Self.waitingClaimIndex, value: "true")
    }

    /// Leases held by the claim with `uid` (released or not).
    func leases(ofClaimUID uid: String) -> [IPLease] {
        leases.store.objects(in: Self.leaseClaimIndex, value: uid)
    }

    /// The pool catalog of the cached pools (validation, overlap, readiness).
    func catalog() -> PoolCatalog {
        PoolCatalog(pools.store.list())
    }

    /// The labels of `namespace`, or `nil` when it is not cached.
    func labels(ofNamespace namespace: String) -> [String: String]? {
        namespaces.store.get(namespace: nil, name: namespace).map { $0.metadata.labels ?? [:] }
    }
}
