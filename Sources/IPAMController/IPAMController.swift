public import ControllerRuntime
import Foundation
import IPAMModel
public import KubernetesClient
import KubernetesCore
public import Logging
public import Metrics
public import ServiceLifecycle

/// The IPAM controller: caches, the four reconcilers (pools, claims, leases, Pods) and the
/// event recorder, wired together and run as one `Service`.
///
/// ## Triggers
/// | change | enqueues |
/// |---|---|
/// | IPClaim | the claim; the Pod of the same key (Pod-owned claims); the claim's leases when it is deleted |
/// | IPLease | the lease; its pool's status (coalesced); waiting claims when an address frees up |
/// | IPPool | the pool; every waiting claim |
/// | Pod | the Pod key (claim creation, annotation, release) |
/// | Namespace | waiting claims of that namespace (namespace selectors) |
///
/// ## Lifecycle
/// ``run()`` starts the caches and the event recorder, and the controllers, whose workers start
/// once every cache has synced (nothing is allocated or released before). Graceful shutdown
/// drains the reconciles in flight. With leader election, run this service only while leading
/// (see the `ipam-controller` executable): two replicas are still safe without it (the lease
/// name is the lock), only wasteful. While the controllers run, the claim and orphan gauges are
/// sampled beside them (``IPAMMetrics``); when they stop, the `ipam_*` gauges leave the scrape.
public final class IPAMController: Service, Sendable {
    /// The informer caches.
    public let cache: ClusterCache
    /// The controllers, by name: `ippools`, `ipclaims`, `ipleases`, `pods`.
    public let controllers: [Controller<ContinuousClock>]
    /// The pools' controller (also in ``controllers``), re-fed at the start of each term.
    private let pools: Controller<ContinuousClock>
    private let context: ControllerContext
    private let events: EventRecorder<ContinuousClock>
    private let logger: Logger

    /// A controller using `client` for every read and write.
    ///
    /// - Parameters:
    ///   - identity: this replica's name, written as the Events' `reportingInstance`.
    ///   - metricsFactory: where the `controller_runtime_*`, `workqueue_*` and `ipam_*` metrics
    ///     go; `nil` means the global `MetricsSystem.factory`.
    public init(
        client: KubernetesClient, configuration: IPAMControllerConfiguration = .init(), identity: String,
        logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) {
        let factory = metricsFactory ?? MetricsSystem.factory
        let cache = ClusterCache(client: client, watcher: configuration.watcher, logger: logger)
        let events = EventRecorder(
            client: client, reportingController: "ipam.swift-ipam.io/ipam-controller", reportingInstance: identity,
            logger: logger, metricsFactory: factory)
        let context = ControllerContext(
            client: client, cache: cache, book: AddressBook(leases: cache.leases.store),
            orphans: OrphanTracker(gracePeriod: configuration.orphanGracePeriod), metrics: IPAMMetrics(factory: factory),
            events: events, configuration: configuration, logger: logger, now: { Date() })

        func controller(_ name: String, _ reconciler: some Reconciler, workers: Int) -> Controller<ContinuousClock> {
            Controller(
                name: name, reconciler: reconciler,
                configuration: ControllerConfiguration(workers: workers, resyncPeriod: configuration.resyncPeriod),
                logger: logger, metricsFactory: factory)
        }
        let pools = controller("ippools", PoolReconciler(context: context), workers: configuration.workers)
        let poolQueue = pools.queue
        let statusInterval = configuration.poolStatusInterval
        let claims = controller(
            "ipclaims",
            ClaimReconciler(context: context) { pool in
                poolQueue.add(ObjectKey(namespace: nil, name: pool), after: statusInterval)
            },
            workers: configuration.claimWorkers)
        let leases = controller("ipleases", LeaseReconciler(context: context), workers: configuration.workers)
        let pods = controller("pods", PodReconciler(context: context), workers: configuration.workers)

        Self.wire(cache: cache, context: context, pools: pools, claims: claims, leases: leases, pods: pods)
        self.cache = cache
        self.controllers = [pools, claims, leases, pods]
        self.pools = pools
        self.context = context
        self.events = events
        self.logger = logger
    }

    private static func wire(
        cache: ClusterCache, context: ControllerContext, pools: Controller<ContinuousClock>,
        claims: Controller<ContinuousClock>, leases: Controller<ContinuousClock>, pods: Controller<ContinuousClock>
    ) {
        // The address book follows the lease cache before anyone is told of a change.
        cache.leases.subscribe { context.book.observe($0) }
        // Deletions seen live need no grace period; a deleted suspect is no longer one.
        cache.claims.subscribe { change in
            guard case .deleted(let claim) = change, let uid = claim.metadata.uid else { return }
            context.orphans.ownerDeleted(uid)
            context.orphans.clear(uid)
        }
        cache.leases.subscribe { change in
            if case .deleted(let lease) = change, let uid = lease.metadata.uid { context.orphans.clear(uid) }
        }
        cache.pods.subscribe { change in
            if case .deleted(let pod) = change, let uid = pod.metadata.uid { context.orphans.ownerDeleted(uid) }
        }

        pools.reconciles(cache.pools)
        let statusInterval = context.configuration.poolStatusInterval
        let poolQueue = pools.queue
        cache.leases.subscribe { change in
            // Coalesced: the queue keeps the earliest time of a key added twice.
            poolQueue.add(ObjectKey(namespace: nil, name: change.object.spec.pool), after: statusInterval)
        }

        claims.reconciles(cache.claims)
        claims.watches(cache.pools) { change in
            // Only what can change a claim's fate: not the pool's own status writes.
            if case .updated(let old, let new) = change, old.spec == new.spec,
                old.metadata.labels == new.metadata.labels,
                old.metadata.deletionTimestamp == new.metadata.deletionTimestamp
            {
                return []
            }
            return cache.waitingClaims()
        }
        claims.watches(cache.leases) { change in
            // An address became free (deleted) or cooling changed: waiting claims may fit now.
            switch change {
            case .deleted: cache.waitingClaims()
            case .updated(let old, let new) where old.isReleased != new.isReleased: cache.waitingClaims()
            case .added, .updated: []
            }
        }
        claims.watches(cache.namespaces) { change in
            let namespace = change.object.metadata.name ?? ""
            return cache.waitingClaims().filter { $0.namespace == namespace }
        }

        leases.reconciles(cache.leases)
        leases.watches(cache.claims) { change in
            // A claim deleted, or re-created under another UID: its leases need a look now.
            guard let uid = change.oldObject?.metadata.uid, change.object.metadata.uid != uid || isDeletion(change)
            else { return [] }
            return cache.leases(ofClaimUID: uid).map { ObjectKey($0) }
        }

        pods.reconciles(cache.pods)
        pods.watches(cache.claims) { change in
            PodReconciler.podOwner(of: change.object) == nil ? [] : [ObjectKey(change.object)]
        }
        // Claims whose Pods are gone at start-up are found by the resync over Pod keys only if a
        // Pod exists; the claims trigger above covers them (every claim is "added" by the first
        // listing).
    }

    /// Readiness: every cache synced. Liveness: no watcher wedged. (Whether this replica leads
    /// is reported apart from readiness: a standby replica with warm caches is ready.)
    public var healthChecks: [HealthCheck] {
        cache.healthChecks
    }

    /// Runs the caches, the event recorder and the controllers until graceful shutdown or
    /// cancellation.
    public func run() async throws {
        try await run(leaderElector: nil)
    }

    /// Runs the caches and the event recorder, and the controllers only while `leaderElector`
    /// holds the lease (always when it is `nil`): a standby replica keeps its caches warm and
    /// takes over without relisting.
    public func run(leaderElector: LeaderElector<ContinuousClock>?) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.cache.pools.run() }
            group.addTask { try await self.cache.claims.run() }
            group.addTask { try await self.cache.leases.run() }
            group.addTask { try await self.cache.pods.run() }
            group.addTask { try await self.cache.namespaces.run() }
            group.addTask { try await self.events.run() }
            group.addTask {
                if let leaderElector {
                    try await leaderElector.run { try await self.runControllers() }
                } else {
                    try await self.runControllers()
                }
            }
            logger.info("IPAM controller started", metadata: ["leaderElection": "\(leaderElector != nil)"])
            try await group.waitForAll()
        }
        logger.info("IPAM controller stopped")
    }

    /// Runs the controllers and, beside them, the sampling of the gauges no reconcile owns;
    /// when they end (graceful shutdown, or the end of the leader's term), the domain gauges
    /// leave the scrape: only the replica running the controllers reports them.
    private func runControllers() async throws {
        defer { context.metrics.removeGauges() }
        // A pool's address gauges are recorded by its reconcile only, and they left the scrape
        // when this replica last stopped leading: every pool is looked at again as a term starts.
        for key in cache.pools.store.keys() { pools.queue.add(key) }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for controller in controllers {
                group.addTask {
                    try await controller.run()
                    return true
                }
            }
            group.addTask {
                await self.sampleMetrics()
                return false
            }
            // The sampler reports on the controllers: once they have all ended, it ends too.
            var running = controllers.count
            while let isController = try await group.next() {
                if isController { running -= 1 }
                if running == 0 { group.cancelAll() }
            }
        }
    }

    /// Every ``IPAMMetrics/samplingInterval``, once the caches have synced and until cancelled:
    /// claims by state and waiting per pool (from the claim cache), and the leases suspected
    /// orphaned (from the orphan tracker). Ages grow with time, not with events, so they are
    /// sampled rather than recorded by a reconcile.
    private func sampleMetrics() async {
        guard await cache.pools.store.waitUntilSynced(), await cache.claims.store.waitUntilSynced() else { return }
        while !Task.isCancelled {
            context.metrics.recordClaims(
                total: cache.claims.store.count,
                waiting: cache.claims.store.objects(in: ClusterCache.waitingClaimIndex, value: "true"),
                pools: cache.pools.store.keys().map(\.name), now: context.now())
            context.metrics.recordOrphanedLeases(context.orphans.suspects(.lease))
            do { try await Task.sleep(for: IPAMMetrics.samplingInterval) } catch { return }
        }
    }
}

private func isDeletion<R>(_ change: StoreChange<R>) -> Bool {
    if case .deleted = change { true } else { false }
}
