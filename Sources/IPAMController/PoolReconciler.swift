import ControllerRuntime
import Foundation
import IPAM
import IPAMModel
import KubernetesClient
import KubernetesCore

/// Keeps each IPPool's status true: validity, overlap, per-family counts and the `Ready`,
/// `Exhausted`, `LowCapacity` conditions (an Event when one changes); holds a deleted pool with
/// a finalizer until its leases are gone.
///
/// Status writes are coalesced: lease changes enqueue the pool with a delay
/// (``IPAMControllerConfiguration/poolStatusInterval``), and the queue keeps the earliest time of
/// a key added twice, so a burst of allocations writes the status about once per interval, never
/// once per allocation. The pool's spec is never written (GitOps tools must see no drift).
struct PoolReconciler: Reconciler {
    let context: ControllerContext

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let pool = context.cache.pools.store.get(key) else {
            context.book.retainPools(Set(context.cache.pools.store.keys().map(\.name)))
            context.metrics.forgetPool(key.name)
            return .done
        }
        return try await Finalizers.run(pool, client: context.pools) { event in
            switch event {
            case .apply(let pool):
                try await refreshStatus(pool)
                return .done
            case .cleanup(let pool):
                return try await holdWhileLeased(pool)
            }
        }
    }

    private func refreshStatus(_ pool: IPPool) async throws {
        let name = pool.metadata.name ?? ""
        let catalog = context.cache.catalog()
        let readiness = catalog.readiness(of: name)
        var usage: [IPAddress.Family: FamilyUsage] = [:]
        if let definition = catalog.definitions[name] {
            usage = context.book.usage(of: definition)
            context.metrics.recordPool(name, usage: usage)
        }
        let status = PoolStatusBuilder.status(for: pool, readiness: readiness, usage: usage, now: context.now())
        try await write(pool, status)
    }

    /// While leases of the deleted pool exist, says so in status and waits (lease deletions
    /// enqueue the pool again); then lets the finalizer go.
    private func holdWhileLeased(_ pool: IPPool) async throws -> ReconcileAction {
        let name = pool.metadata.name ?? ""
        let leases = context.cache.leases.store.objects(in: ClusterCache.leasePoolIndex, value: name)
        guard !leases.isEmpty else { return .done }
        var status = pool.status ?? IPPoolStatus()
        var conditions = status.conditions ?? []
        conditions.set(Condition(
            type: IPAMAPI.ConditionType.ready, status: .false, observedGeneration: pool.metadata.generation,
            lastTransitionTime: context.now(), reason: "Deleting",
            message: "deletion waits for \(leases.count) lease(s) to be released; delete their claims"))
        status.conditions = conditions
        try await write(pool, status)
        // Lease deletions bring the pool back; the requeue is a safety net only.
        return .requeue(after: .seconds(60))
    }

    private func write(_ pool: IPPool, _ status: IPPoolStatus) async throws {
        guard !StatusComparison.same(pool.status, status) else { return }
        var updated = pool
        updated.status = status
        // A conflict (a newer pool in flight) is thrown: the requeue reads the newer one.
        _ = try await context.pools.updateStatus(updated, options: WriteOptions(fieldManager: context.fieldManager))
        announceChanges(pool, from: pool.status?.conditions ?? [], to: status.conditions ?? [])
    }

    /// An Event for each condition whose status changed.
    private func announceChanges(_ pool: IPPool, from old: [Condition], to new: [Condition]) {
        for condition in new where old.condition(ofType: condition.type)?.status != condition.status {
            // Ready=False is a problem; for Exhausted, LowCapacity and Stalled, True is.
            let isReady = condition.type == IPAMAPI.ConditionType.ready
            let problemStatus: ConditionStatus = isReady ? .false : .true
            let isProblem = condition.status == problemStatus
            guard old.condition(ofType: condition.type) != nil || isProblem else { continue }
            context.event(
                pool, isProblem ? .warning : .normal, reason: condition.reason, action: "UpdateStatus",
                note: "\(condition.type)=\(condition.status): \(condition.message)")
        }
    }
}
